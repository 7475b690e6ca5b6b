/**
 * Plays one request's fault: cuts the connection where the fault says, or relays the request to
 * Nexus and then hands its answer over whole, cut short, dripped, or not at all.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import type { SeenRequest } from './fault-proxy.js';
import { reachesNexus, type CutPoint, type Fault } from './faults.js';
import { forward, type NexusAnswer } from './nexus-relay.js';

export async function play(
  seen: SeenRequest,
  request: IncomingMessage,
  response: ServerResponse,
  target: URL,
): Promise<void> {
  const { fault } = seen;
  const socket = request.socket;
  if (isCutAt(fault, 'on-arrival')) return cut(socket, fault);

  const body = await readBody(request);
  seen.body = body.toString('utf8');
  if (isCutAt(fault, 'after-request')) return cut(socket, fault);
  // A stall keeps the line open and silent: only the worker's own timeout can end it.
  if (fault.kind === 'stall') return;

  let answer: NexusAnswer | undefined;
  if (reachesNexus(fault)) {
    answer = await forward(target, request, body);
    seen.nexusStatus = answer.status;
  }
  if (isCutAt(fault, 'after-nexus')) return cut(socket, fault);

  if (fault.kind === 'answer') {
    response.writeHead(fault.status, fault.headers);
    response.end(fault.body);
    return;
  }
  if (!answer) throw new Error(`the proxy has no answer to give for ${seen.route}`);
  await sendAnswer(answer, fault, response);
}

function isCutAt(fault: Fault, at: CutPoint): fault is Fault & { kind: 'reset' | 'close' } {
  return (fault.kind === 'reset' || fault.kind === 'close') && fault.at === at;
}

function cut(socket: Socket, fault: Fault): void {
  if (fault.kind === 'reset') socket.resetAndDestroy();
  if (fault.kind === 'close') socket.destroy();
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function sendAnswer(answer: NexusAnswer, fault: Fault, response: ServerResponse) {
  const headers = { ...answer.headers, 'content-length': String(answer.body.length) };
  response.writeHead(answer.status, headers);

  if (fault.kind === 'pass') {
    response.end(answer.body);
    return;
  }
  if (fault.kind === 'drip') {
    await dripBody(answer.body, fault.chunkBytes, fault.everyMs, response);
    return;
  }

  const half = answer.body.subarray(0, Math.floor(answer.body.length / 2));
  await new Promise<void>((resolve) => response.write(half, () => resolve()));
  if (fault.kind === 'reset' || fault.kind === 'close') cut(response.socket as Socket, fault);
  if (fault.kind === 'truncate') response.socket?.end();
  // hang-halfway: nothing more is ever sent; the worker's timeout must end the exchange.
}

async function dripBody(body: Buffer, chunkBytes: number, everyMs: number, res: ServerResponse) {
  for (let start = 0; start < body.length; start += chunkBytes) {
    if (res.destroyed) return;
    res.write(body.subarray(start, start + chunkBytes));
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  if (!res.destroyed) res.end();
}

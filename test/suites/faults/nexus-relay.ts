/**
 * Passes a request on to the local Nexus and brings back its whole answer, so the proxy can
 * then hand it over intact, cut short, dripped or not at all.
 */

import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface NexusAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Headers worth relaying either way; hop-by-hop ones and lengths are set by the proxy itself. */
const RELAYED_REQUEST_HEADERS = ['x-functions-key', 'content-type'];
const RELAYED_ANSWER_HEADERS = ['content-type', 'retry-after'];

export function forward(target: URL, request: IncomingMessage, body: Buffer): Promise<NexusAnswer> {
  const headers = pick(request.headers, RELAYED_REQUEST_HEADERS);
  if (body.length > 0) headers['content-length'] = String(body.length);

  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers,
        agent: false,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('error', reject);
        answer.on('end', () =>
          resolve({
            status: answer.statusCode ?? 502,
            headers: pick(answer.headers, RELAYED_ANSWER_HEADERS),
            body: Buffer.concat(chunks),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function pick(headers: IncomingHttpHeaders, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

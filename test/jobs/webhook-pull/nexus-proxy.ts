/**
 * A node:http proxy in front of a real (local) Nexus that can refuse DELETE requests, to show
 * what the worker does when marking items delivered fails. Records each DELETE's ids.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NexusProxy {
  url: string;
  /** While true, every DELETE is answered 503 without reaching Nexus. */
  failDeletes: boolean;
  /** The ids of each DELETE that reached Nexus, in order. */
  deletes: string[][];
  /** How many DELETE requests were refused. */
  refusedDeletes: number;
  close(): Promise<void>;
}

export async function startNexusProxy(nexusUrl: string): Promise<NexusProxy> {
  const target = new URL(nexusUrl);
  const proxy: NexusProxy = {
    url: '',
    failDeletes: false,
    deletes: [],
    refusedDeletes: 0,
    close: async () => undefined,
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      if (request.method === 'DELETE' && proxy.failDeletes) {
        proxy.refusedDeletes += 1;
        response.writeHead(503, { 'content-type': 'application/json' });
        response.end('{"error":"maintenance"}');
        return;
      }
      if (request.method === 'DELETE') proxy.deletes.push(JSON.parse(body.toString()).ids);

      const headers: Record<string, string> = {};
      for (const name of ['x-functions-key', 'content-type']) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      const answer = await fetch(`${target.origin}${request.url}`, {
        method: request.method,
        headers,
        body: body.length > 0 ? body : undefined,
      });
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${port}${target.pathname}`;
  proxy.close = () => new Promise((resolve) => server.close(() => resolve()));
  return proxy;
}

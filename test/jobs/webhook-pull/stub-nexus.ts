/**
 * A tiny node:http stand-in for Nexus that answers the pending list with whatever body a test
 * sets, byte for byte, and records every DELETE. For answers the real server would never give.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubNexus {
  url: string;
  apiKey: string;
  /** The raw body of the next pending-list answers. */
  pendingBody: string;
  /** The ids of each DELETE received, in order. */
  deletes: string[][];
  close(): Promise<void>;
}

export async function startStubNexus(pendingBody: string): Promise<StubNexus> {
  const stub: StubNexus = {
    url: '',
    apiKey: 'stub-nexus-key',
    pendingBody,
    deletes: [],
    close: async () => undefined,
  };

  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      if (request.method === 'GET' && request.url?.startsWith('/api/webhook/pending?')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(stub.pendingBody);
        return;
      }
      if (request.method === 'DELETE' && request.url === '/api/webhook/items') {
        const ids = (JSON.parse(body) as { ids: string[] }).ids;
        stub.deletes.push(ids);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ deleted: ids.length }));
        return;
      }
      response.writeHead(404).end();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  stub.url = `http://127.0.0.1:${port}/api`;
  stub.close = () => new Promise((resolve) => server.close(() => resolve()));
  return stub;
}

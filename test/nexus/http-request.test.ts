import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

import { httpRequest } from '../../src/nexus/http-request.js';
import { startStubServer } from '../helpers/stub-server.js';

const ANSWER = JSON.stringify({ status: 'ok', text: 'ü🙂'.repeat(1000) });

async function ask(url: string, body?: string | AsyncIterable<Uint8Array>) {
  const signal = new AbortController().signal;
  return httpRequest(new URL(url), { method: 'POST', headers: {}, body, signal });
}

test('gzip, deflate and brotli answers are decoded; the request offers them', async (t) => {
  const encoders: Record<string, (bytes: Buffer) => Buffer> = {
    gzip: gzipSync,
    deflate: deflateSync,
    br: brotliCompressSync,
  };
  const server = await startStubServer((request, response) => {
    const encoding = request.url.split('/').pop() ?? '';
    response.writeHead(200, { 'content-encoding': encoding });
    response.end(encoders[encoding]?.(Buffer.from(ANSWER)));
  });
  t.after(() => server.close());

  for (const encoding of Object.keys(encoders)) {
    const answer = await ask(`${server.url}/${encoding}`);
    assert.equal(answer.text, ANSWER, encoding);
    assert.equal(answer.header('Content-Encoding'), encoding);
  }
  assert.match(String(server.requests[0]?.headers['accept-encoding']), /gzip/);
});

test('an encoding it cannot read is an error, not text', async (t) => {
  const server = await startStubServer((_request, response) => {
    response.writeHead(200, { 'content-encoding': 'zstd' });
    response.end('whatever');
  });
  t.after(() => server.close());

  await assert.rejects(ask(server.url), /encoding this worker cannot read: zstd/);
});

test('a streamed body arrives whole, with the length the caller declared', async (t) => {
  const server = await startStubServer((request, response) => {
    response.end(`${request.headers['content-length']}:${request.body.length}`);
  });
  t.after(() => server.close());
  const parts = ['{"a":', '"', 'x'.repeat(100_000), '"}'];
  async function* chunks() {
    for (const part of parts) yield Buffer.from(part);
  }

  const signal = new AbortController().signal;
  const answer = await httpRequest(new URL(server.url), {
    method: 'POST',
    headers: { 'content-length': String(parts.join('').length) },
    body: chunks(),
    signal,
  });

  assert.equal(answer.text, `${parts.join('').length}:${parts.join('').length}`);
});

test('an answer cut short by the server is an error, not a shorter text', async (t) => {
  // A raw socket: headers that promise 100 bytes, 10 of them, then the connection closes.
  const server = createServer((socket) => {
    socket.once('data', () => {
      socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"status":');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;

  await assert.rejects(ask(`http://127.0.0.1:${port}/api`, '{}'));
});

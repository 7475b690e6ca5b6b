import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';

import { httpRequest } from '../../src/nexus/http-request.js';
import { startStubServer } from '../helpers/stub-server.js';

const ANSWER = JSON.stringify({ status: 'ok', text: 'ü🙂'.repeat(1000) });

async function ask(
  url: string,
  body?: string | AsyncIterable<Uint8Array>,
  maxAnswerBytes = 1024 * 1024,
) {
  const signal = new AbortController().signal;
  return httpRequest(new URL(url), { method: 'POST', headers: {}, body, signal, maxAnswerBytes });
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
    maxAnswerBytes: 1024,
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

test('an answer past the limit is refused while it arrives, compressed or not', async (t) => {
  const megabyte = Buffer.alloc(1024 * 1024, 0x20);
  let written = 0;
  const server = await startStubServer((request, response) => {
    if (request.url.endsWith('/gzip')) {
      // About 1 KiB on the wire, 64 MiB once inflated.
      response.writeHead(200, { 'content-encoding': 'gzip' });
      response.end(gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20), { level: 9 }));
      return;
    }
    response.writeHead(200);
    const pump = () => {
      while (!response.destroyed && written < 512 * 1024 * 1024) {
        written += megabyte.length;
        if (!response.write(megabyte)) return;
      }
    };
    response.on('drain', pump);
    pump();
  });
  t.after(() => server.close());

  await assert.rejects(ask(`${server.url}/plain`, '{}', 2 * 1024 * 1024), {
    name: 'AnswerTooLargeError',
  });
  await assert.rejects(ask(`${server.url}/gzip`, '{}', 2 * 1024 * 1024), {
    name: 'AnswerTooLargeError',
  });
  assert.ok(written < 64 * 1024 * 1024, `${written / 1024 / 1024} MiB were sent before the cut`);
});

test('with Expect: 100-continue a refusal comes before any of the body is sent', async (t) => {
  let bytesReceived = 0;
  const server = createHttpServer();
  // A server that decides from the headers alone, as a key check or a size limit does.
  server.on('checkContinue', (request, response) => {
    request.on('data', (chunk: Buffer) => (bytesReceived += chunk.length));
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end('{"error":"bad key"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  let chunksRead = 0;
  async function* body() {
    for (let n = 0; n < 100; n += 1) {
      chunksRead += 1;
      yield Buffer.alloc(64 * 1024, 0x61);
    }
  }

  const answer = await httpRequest(new URL(`http://127.0.0.1:${port}/api/sessions`), {
    method: 'POST',
    headers: { 'content-length': String(100 * 64 * 1024) },
    body: body(),
    signal: new AbortController().signal,
    maxAnswerBytes: 1024,
    expectContinue: true,
  });

  assert.equal(answer.status, 401);
  assert.equal(JSON.parse(answer.text).error, 'bad key');
  assert.equal(chunksRead, 0, 'the body was read although the server had refused it');
  assert.equal(bytesReceived, 0);
});

test('a server that ignores Expect: 100-continue still gets the body, after a short wait',
  async (t) => {
    // Raw TCP: reads the headers, never sends 100, answers once the whole body has come.
    const server = createServer((socket) => {
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        const [head = '', bodyText = ''] = received.split('\r\n\r\n');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1]);
        if (bodyText.length === length) {
          const answer = `{"got":${bodyText.length}}`;
          socket.end(`HTTP/1.1 200 OK\r\ncontent-length: ${answer.length}\r\n\r\n${answer}`);
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    async function* body() {
      yield Buffer.from('x'.repeat(5000));
    }

    const started = performance.now();
    const answer = await httpRequest(new URL(`http://127.0.0.1:${port}/api`), {
      method: 'POST',
      headers: { 'content-length': '5000' },
      body: body(),
      signal: new AbortController().signal,
      maxAnswerBytes: 1024,
      expectContinue: true,
    });

    assert.equal(answer.text, '{"got":5000}');
    assert.ok(performance.now() - started >= 900, 'the body went before the wait was over');
  },
);

import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';

import { NexusClient } from '../../src/nexus/client.js';
import { NexusAuthError } from '../../src/nexus/errors.js';
import { httpRequest } from '../../src/nexus/http-request.js';
import { jsonEscapedLength } from '../../src/nexus/json-string-bytes.js';
import type { StreamedText } from '../../src/nexus/streamed-text.js';
import { createLogger } from '../../src/worker/logger.js';

const KEY = 'early-answer-key-51c2';
/** Over the size that is announced with `Expect: 100-continue`. */
const LARGE_TEXT = Buffer.alloc(2 * 1024 * 1024, 0x61);

function textSource(bytes: Buffer, chunkBytes = 64 * 1024): StreamedText {
  return {
    escapedBytes: jsonEscapedLength(bytes),
    chunks: async function* () {
      for (let start = 0; start < bytes.length; start += chunkBytes) {
        yield bytes.subarray(start, start + chunkBytes);
      }
    },
  };
}

function largeUpload() {
  return {
    agentId: 'main',
    sessionId: '60480e1e-6d95-473d-8adf-d5816f52e268',
    fileName: '60480e1e-6d95-473d-8adf-d5816f52e268.jsonl',
    sha256: 'ab',
    transcript: textSource(LARGE_TEXT),
  };
}

interface RawServer {
  url: string;
  /** Body bytes received after the request headers, over all connections. */
  bodyBytes(): number;
  /** Resolves when every connection the server accepted has closed. */
  allClosed(): Promise<void>;
}

/**
 * Raw TCP, so the test decides byte by byte what is sent and when: `onHeaders` runs once per
 * request, as soon as its headers have come (with the body bytes that came with them), and may
 * answer before any of the body.
 */
async function startRawServer(
  onHeaders: (socket: Socket, head: string, bodyStart: number) => void,
  t: { after: (fn: () => unknown) => void },
): Promise<RawServer> {
  let bodyBytes = 0;
  const open = new Set<Socket>();
  let closedAll: (() => void) | undefined;
  const server = createServer((socket) => {
    open.add(socket);
    let received = Buffer.alloc(0);
    let headersSeen = false;
    socket.on('error', () => undefined);
    socket.on('close', () => {
      open.delete(socket);
      if (open.size === 0) closedAll?.();
    });
    socket.on('data', (chunk: Buffer) => {
      if (headersSeen) {
        bodyBytes += chunk.length;
        return;
      }
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersSeen = true;
      const bodyStart = received.length - end - 4;
      bodyBytes += bodyStart;
      onHeaders(socket, received.subarray(0, end).toString('latin1'), bodyStart);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of open) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/api`,
    bodyBytes: () => bodyBytes,
    allClosed: () =>
      open.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (closedAll = resolve)),
  };
}

function clientFor(url: string, retries: number): NexusClient {
  return new NexusClient({
    baseUrl: url,
    apiKey: KEY,
    log: createLogger({ verbose: true, write: () => undefined, secrets: [KEY] }),
    timeoutMs: 3000,
    retry: { retries, minDelayMs: 10, maxDelayMs: 20 },
  });
}

test('a 200 that comes before the transcript was sent is not taken for a stored upload',
  async (t) => {
    // A broken proxy, or a server that answers from the headers alone: it cannot hold the file.
    const server = await startRawServer((socket) => {
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n' +
        'content-length: 15\r\n\r\n{"stored":true}');
    }, t);

    const outcome = await clientFor(server.url, 0)
      .uploadSession(largeUpload())
      .catch((error: unknown) => error);

    assert.ok(server.bodyBytes() < LARGE_TEXT.length, 'the server did get the whole body');
    assert.notDeepEqual(outcome, { kind: 'stored' }, 'archiving on this answer loses the file');
  },
);

test('an early 401 whose body cannot be decoded still stops the run as a refused key',
  async (t) => {
    const server = await startRawServer((socket) => {
      socket.write('HTTP/1.1 401 Unauthorized\r\ncontent-encoding: gzip\r\n' +
        'content-length: 10\r\n\r\nnot-gzip!!');
    }, t);

    await assert.rejects(clientFor(server.url, 1).uploadSession(largeUpload()), NexusAuthError);
  },
);

test('an early answer that cannot be decoded does not leave its half-sent request open',
  async (t) => {
    // The server keeps the connection: only the client can close it, and an open socket keeps
    // a `--job` process alive after its run is over.
    const server = await startRawServer((socket) => {
      socket.write('HTTP/1.1 413 Too Large\r\ncontent-encoding: gzip\r\n' +
        'content-length: 10\r\n\r\nnot-gzip!!');
    }, t);
    async function* body() {
      yield Buffer.alloc(2 * 1024 * 1024, 0x61);
    }

    await httpRequest(new URL(server.url), {
      method: 'POST',
      headers: { 'content-length': String(2 * 1024 * 1024) },
      body: body(),
      signal: new AbortController().signal,
      maxAnswerBytes: 1024,
      expectContinue: true,
    }).catch(() => undefined);

    const closed = await Promise.race([
      server.allClosed().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2000).unref()),
    ]);
    assert.ok(closed, 'the connection was still open 2 s after the request settled');
  },
);

test('a 417 to Expect: 100-continue is sent again without it, even with no retries left',
  async (t) => {
    let requests = 0;
    const server = await startRawServer((socket, head, bodyStart) => {
      requests += 1;
      if (/^expect:/im.test(head)) {
        socket.end('HTTP/1.1 417 Expectation Failed\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      const length = Number(/^content-length: *(\d+)/im.exec(head)?.[1]);
      let seen = bodyStart;
      socket.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen < length) return;
        socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n' +
          'content-length: 2\r\n\r\n{}');
      });
    }, t);

    const outcome = await clientFor(server.url, 0).uploadSession(largeUpload());

    assert.deepEqual(outcome, { kind: 'stored' });
    assert.equal(requests, 2);
  },
);

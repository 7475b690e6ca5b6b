import assert from 'node:assert/strict';
import { test } from 'node:test';

import { NexusClient } from '../../src/nexus/client.js';
import { jsonEscapedLength } from '../../src/nexus/json-string-bytes.js';
import type { StreamedText } from '../../src/nexus/streamed-text.js';
import {
  NexusAuthError,
  NexusEndpointError,
  NexusRedirectError,
  NexusUnavailableError,
} from '../../src/nexus/errors.js';
import { createLogger } from '../../src/worker/logger.js';
import {
  sendJson,
  startStubServer,
  unusedPort,
  type StubHandler,
} from '../helpers/stub-server.js';

const KEY = 'client-test-key-77ab';
const TRANSCRIPT = '{"type":"session","text":"tab\\there, ü and 🙂"}\n';
const fields = {
  agentId: 'main',
  sessionId: '60480e1e-6d95-473d-8adf-d5816f52e268',
  fileName: '60480e1e-6d95-473d-8adf-d5816f52e268.jsonl',
  sha256: 'ab',
};
const upload = { ...fields, transcript: textSource(TRANSCRIPT) };

/** A text handed over in chunks of a few bytes, cutting characters in two on purpose. */
function textSource(text: string, chunkBytes = 5): StreamedText {
  const bytes = Buffer.from(text);
  return {
    escapedBytes: jsonEscapedLength(bytes),
    chunks: async function* () {
      for (let start = 0; start < bytes.length; start += chunkBytes) {
        yield bytes.subarray(start, start + chunkBytes);
      }
    },
  };
}

async function withServer(handler: StubHandler, t: { after: (fn: () => unknown) => void }) {
  const lines: string[] = [];
  const server = await startStubServer(handler);
  t.after(() => server.close());
  const client = new NexusClient({
    baseUrl: server.url,
    apiKey: KEY,
    log: createLogger({ verbose: true, write: (line) => lines.push(line), secrets: [KEY] }),
    timeoutMs: 500,
    retry: { retries: 3, minDelayMs: 10, maxDelayMs: 50 },
  });
  return { server, client, lines };
}

test('the key travels in the x-functions-key header, never in the URL', async (t) => {
  const { server, client } = await withServer((_req, res) => sendJson(res, 200, { ok: 1 }), t);

  assert.deepEqual(await client.uploadSession(upload), { kind: 'stored' });
  assert.equal(server.requests[0]?.headers['x-functions-key'], KEY);
  assert.ok(!server.requests[0]?.url.includes(KEY));
  assert.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), {
    ...fields,
    transcript: TRANSCRIPT,
  });
});

test('the transcript is streamed with a Content-Length, each retry sends it whole', async (t) => {
  const { server, client } = await withServer((_req, res, index) => {
    sendJson(res, index === 0 ? 503 : 200, { status: 'ok' });
  }, t);

  assert.deepEqual(await client.uploadSession(upload), { kind: 'stored' });

  assert.equal(server.requests.length, 2);
  for (const request of server.requests) {
    assert.equal(request.headers['transfer-encoding'], undefined);
    assert.equal(request.headers['content-length'], String(Buffer.byteLength(request.body)));
    assert.equal(JSON.parse(request.body).transcript, TRANSCRIPT);
  }
});

test('a transcript that fails while it is read is not retried; the error reaches the caller',
  async (t) => {
    const { server, client } = await withServer((_req, res) => sendJson(res, 200, {}), t);
    const failure = new Error('changed under us');
    const failing: StreamedText = {
      escapedBytes: 1000,
      chunks: async function* () {
        yield Buffer.from('x'.repeat(100));
        throw failure;
      },
    };

    await assert.rejects(client.uploadSession({ ...fields, transcript: failing }), failure);

    // The server may or may not have seen the start of it; it never saw a whole body.
    assert.ok(server.requests.every((request) => request.body.length < 200));
    assert.ok(server.requests.length <= 1);
  });

test('409 is a duplicate; 400 and 413 are final refusals with the reason', async (t) => {
  const statuses = [409, 400, 413];
  const { client, server } = await withServer((_req, res, index) => {
    sendJson(res, statuses[index] ?? 500, { error: `refused ${index}` });
  }, t);

  assert.deepEqual(await client.uploadSession(upload), { kind: 'duplicate' });
  assert.deepEqual(await client.uploadSession(upload), {
    kind: 'rejected',
    status: 400,
    reason: 'HTTP 400: refused 1',
  });
  const tooLarge = await client.uploadSession(upload);
  assert.equal(tooLarge.kind === 'rejected' && tooLarge.status, 413);
  assert.equal(server.requests.length, 3, 'no refusal is retried');
});

test('401 and 403 stop at once with an auth error that hides the key', async (t) => {
  for (const status of [401, 403]) {
    const { client, server } = await withServer((_req, res) => sendJson(res, status, {}), t);
    await assert.rejects(client.uploadSession(upload), (error: unknown) => {
      assert.ok(error instanceof NexusAuthError);
      assert.ok(!error.message.includes(KEY));
      return true;
    });
    assert.equal(server.requests.length, 1);
  }
});

test('404 means the url is wrong, not the file', async (t) => {
  const { client } = await withServer((_req, res) => sendJson(res, 404, {}), t);
  await assert.rejects(client.uploadSession(upload), NexusEndpointError);
});

test('5xx, 408, 429, HTML pages and non-JSON 200s are retried until one succeeds', async (t) => {
  const { client, server } = await withServer((_req, res, index) => {
    if (index === 0) return sendJson(res, 503, {});
    if (index === 1) {
      res.writeHead(502, { 'content-type': 'text/html' });
      return res.end('<html><body>Bad gateway</body></html>');
    }
    if (index === 2) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('not json');
    }
    sendJson(res, 200, { status: 'ok' });
  }, t);

  assert.deepEqual(await client.uploadSession(upload), { kind: 'stored' });
  assert.equal(server.requests.length, 4);
});

test('retries are bounded: a server that always fails gives up after retries + 1 requests',
  async (t) => {
    const { client, server } = await withServer((_req, res) => sendJson(res, 500, {}), t);

    await assert.rejects(client.uploadSession(upload), (error: unknown) => {
      assert.ok(error instanceof NexusUnavailableError);
      assert.match(error.message, /failed after 4 attempts: HTTP 500/);
      return true;
    });
    assert.equal(server.requests.length, 4);
  },
);

test('Retry-After is honoured before the next attempt', async (t) => {
  const times: number[] = [];
  const { client } = await withServer((_req, res, index) => {
    times.push(performance.now());
    if (index === 0) {
      res.writeHead(429, { 'retry-after': '1' });
      return res.end();
    }
    sendJson(res, 200, { status: 'ok' });
  }, t);

  assert.deepEqual(await client.uploadSession(upload), { kind: 'stored' });
  const waited = (times[1] ?? 0) - (times[0] ?? 0);
  assert.ok(waited >= 990, `waited only ${waited} ms after Retry-After: 1`);
});

test('a hanging server times out per request and counts as unavailable', async (t) => {
  const { client, server } = await withServer(() => {
    // Never answer.
  }, t);

  const started = performance.now();
  await assert.rejects(client.uploadSession(upload), /no answer within 500 ms/);
  assert.equal(server.requests.length, 4);
  assert.ok(performance.now() - started < 10_000);
});

test('a server that is down is reported with the connection error', async () => {
  const client = new NexusClient({
    baseUrl: `http://127.0.0.1:${await unusedPort()}/api`,
    apiKey: KEY,
    log: createLogger({ write: () => undefined }),
    retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 },
  });

  await assert.rejects(client.uploadSession(upload), /failed after 2 attempts: ECONNREFUSED/);
});

test('a redirect is never followed: the key and the transcript go nowhere else', async (t) => {
  const elsewhere = await startStubServer((_req, res) => sendJson(res, 200, { status: 'ok' }));
  t.after(() => elsewhere.close());
  const { client, server } = await withServer((_req, res) => {
    res.writeHead(307, { location: `${elsewhere.url}/sessions` });
    res.end();
  }, t);

  await assert.rejects(client.uploadSession(upload), NexusRedirectError);
  assert.equal(server.requests.length, 1, 'a redirect is not retried');
  assert.equal(elsewhere.requests.length, 0);
});

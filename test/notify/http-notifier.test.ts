import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';

import { HttpNotifier } from '../../src/notify/http-notifier.js';
import { NotificationQueue } from '../../src/notify/notification-queue.js';
import type { Notification } from '../../src/notify/notification.js';
import { createLogger } from '../../src/worker/logger.js';

const TOKEN = 'hooks-token-0123456789';

interface Received {
  authorization: string | undefined;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

/** A stand-in for OpenClaw's hooks endpoint that answers each request as `answer` decides. */
async function startHooks(
  t: TestContext,
  answer: (request: Received, response: ServerResponse) => void,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      const entry = {
        authorization: request.headers.authorization,
        contentType: request.headers['content-type'],
        body: JSON.parse(text) as Record<string, unknown>,
      };
      received.push(entry);
      answer(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/agent`, received };
}

const run: Notification = {
  jobId: 'flickclaw-sessions',
  agentId: 'flickclaw',
  text: 'Nexus Worker job "flickclaw-sessions" finished.\nJobResult: {"success":true}',
  idempotencyKey: 'flickclaw-sessions-2026-02-06T14:00:00.000Z',
};
const neverAborted = new AbortController().signal;

test('posts the message with the bearer token, deliver false and the idempotency key',
  async (t) => {
    const hooks = await startHooks(t, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"ok":true,"runId":"r1"}');
    });

    await new HttpNotifier(hooks.url, TOKEN, 5000).send(run, neverAborted);

    assert.equal(hooks.received.length, 1);
    const [request] = hooks.received;
    assert.equal(request?.authorization, `Bearer ${TOKEN}`);
    assert.equal(request?.contentType, 'application/json');
    assert.deepEqual(request?.body, {
      message: run.text,
      name: 'Nexus Worker',
      agentId: 'flickclaw',
      deliver: false,
      idempotencyKey: 'flickclaw-sessions-2026-02-06T14:00:00.000Z',
    });
  },
);

test('a 503 is reported with its status and body, and the next notification still goes out',
  async (t) => {
    let calls = 0;
    const hooks = await startHooks(t, (_request, response) => {
      calls += 1;
      if (calls === 1) {
        response.writeHead(503, { 'retry-after': '30' });
        response.end('gateway restarting');
        return;
      }
      response.writeHead(200).end('{"ok":true}');
    });
    const lines: string[] = [];
    const log = createLogger({ write: (line) => lines.push(line), secrets: [TOKEN] });
    const noRetry = { retries: 0 };
    const queue = new NotificationQueue(new HttpNotifier(hooks.url, TOKEN, 5000, noRetry), log);

    queue.enqueue(run);
    queue.enqueue({ ...run, idempotencyKey: 'second' });
    await queue.idle();

    assert.equal(hooks.received.length, 2);
    const failed = lines.filter((line) => line.includes('[ERROR]'));
    assert.equal(failed.length, 1);
    assert.match(failed[0] ?? '', /failed: HTTP 503 \(Retry-After: 30\): gateway restarting$/);
    assert.ok(lines.some((line) => line.includes('[INFO] [flickclaw-sessions] Notified agent')));
    assert.ok(lines.every((line) => !line.includes(TOKEN)));
  },
);

test('an endpoint that never answers is given up after the timeout', async (t) => {
  const hooks = await startHooks(t, () => {
    // Never answers; the server's close at the end of the test drops the connection.
  });
  const started = performance.now();

  const notifier = new HttpNotifier(hooks.url, TOKEN, 300, { retries: 1, minDelayMs: 10 });

  await assert.rejects(notifier.send(run, neverAborted), {
    name: 'NotifyError',
    message: 'no answer within 0.3s',
  });
  assert.ok(performance.now() - started < 5000);
  assert.equal(hooks.received.length, 2, 'one retry after the first timeout');
});

test('a busy or restarting gateway is tried again, honouring Retry-After', async (t) => {
  const answers = [
    { status: 503, headers: {} },
    { status: 429, headers: { 'retry-after': '1' } },
    { status: 200, headers: {} },
  ];
  const times: number[] = [];
  const hooks = await startHooks(t, (_request, response) => {
    times.push(performance.now());
    const answer = answers[times.length - 1] ?? { status: 500, headers: {} };
    response.writeHead(answer.status, answer.headers).end('{}');
  });
  const notifier = new HttpNotifier(hooks.url, TOKEN, 5000, { minDelayMs: 10 });

  await notifier.send(run, neverAborted);

  assert.equal(hooks.received.length, 3);
  const keys = new Set(hooks.received.map((request) => request.body.idempotencyKey));
  assert.equal(keys.size, 1, 'every attempt carries the same idempotency key');
  const waited = (times[2] ?? 0) - (times[1] ?? 0);
  assert.ok(waited >= 950, `waited ${waited} ms after a Retry-After of 1 s`);
});

test('a refusal is not retried, nor a Retry-After longer than the limit', async (t) => {
  for (const [status, headers] of [[400, {}], [503, { 'retry-after': '3600' }]] as const) {
    const hooks = await startHooks(t, (_request, response) => {
      response.writeHead(status, headers).end('{"error":"no"}');
    });
    const notifier = new HttpNotifier(hooks.url, TOKEN, 5000, { minDelayMs: 10 });

    await assert.rejects(notifier.send(run, neverAborted), { message: /^HTTP \d+.*: no$/ });

    assert.equal(hooks.received.length, 1, `HTTP ${status}`);
  }
});

test('a redirect is not followed: the token stays with the configured url', async (t) => {
  const elsewhere = await startHooks(t, (_request, response) => response.writeHead(200).end());
  const hooks = await startHooks(t, (_request, response) => {
    response.writeHead(307, { location: elsewhere.url }).end();
  });

  await assert.rejects(new HttpNotifier(hooks.url, TOKEN, 5000).send(run, neverAborted), {
    message: /^HTTP 307/,
  });

  assert.equal(elsewhere.received.length, 0);
});

test('an error answer in JSON is reported by its error field', async (t) => {
  const hooks = await startHooks(t, (_request, response) => {
    response.writeHead(401, { 'content-type': 'application/json' });
    response.end('{"error":"invalid token"}');
  });

  await assert.rejects(new HttpNotifier(hooks.url, 'wrong', 5000).send(run, neverAborted), {
    message: 'HTTP 401: invalid token',
  });
});

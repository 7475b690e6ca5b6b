import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';

import { createLocalNexus } from '../../src/local-nexus/server.js';
import { createLogger } from '../../src/worker/logger.js';
import { readJsonAnswer, startLocalNexus } from '../helpers/local-nexus.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const SESSION_ID = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

test('the URL ends in /api on loopback and the port it reports', async (t) => {
  const nexus = await createLocalNexus({ dataDir: await makeTempDir(t), apiKey: 'key' });
  t.after(() => nexus.close());

  assert.equal(nexus.url, `http://127.0.0.1:${nexus.port}/api`);
  assert.ok(nexus.port > 0);
  const health = await readJsonAnswer(await fetch(`${nexus.url}/health`));
  assert.deepEqual([health.status, health.body], [200, { status: 'ok' }]);
});

test('unknown routes are 404 JSON, with or without the key', async (t) => {
  const nexus = await startLocalNexus();
  t.after(() => nexus.close());
  const origin = nexus.url.replace(/\/api$/, '');

  const withKey = await nexus.send('GET', '/no-such-route');
  const wrongMethod = await nexus.send('PUT', '/sessions', {});
  const outsideApi = await readJsonAnswer(await fetch(`${origin}/sessions`));

  for (const answer of [withKey, wrongMethod, outsideApi]) {
    assert.equal(answer.status, 404);
    assert.equal(typeof (answer.body as { error?: unknown }).error, 'string');
  }
});

test('stored sessions and items are still there after a restart on the same folder', async (t) => {
  const dataDir = await makeTempDir(t);
  const first = await startLocalNexus({ dataDir });
  const upload = { agentId: 'main', sessionId: SESSION_ID, transcript: 'x' };
  await first.send('POST', '/sessions', upload);
  const id = await first.addWebhookItem('main', 'test', { kept: true });
  await first.close();

  const second = await startLocalNexus({ dataDir });
  t.after(() => second.close());
  const duplicate = await second.send('POST', '/sessions', upload);

  assert.equal(duplicate.status, 409);
  assert.deepEqual(second.pendingItems('main').map((item) => item.id), [id]);
});

test('an unexpected failure is a 500 without details; the details go to the log', async (t) => {
  const lines: string[] = [];
  const logger = createLogger({ write: (line) => lines.push(line) }, 'nexus-local');
  const nexus = await startLocalNexus({ logger });
  t.after(() => nexus.close());
  // A closed store makes every database call throw, as a broken disk would.
  nexus.store.close();

  const answer = await nexus.send('GET', '/sessions');

  assert.equal(answer.status, 500);
  const error = String((answer.body as { error?: unknown }).error);
  assert.doesNotMatch(error, /database|sqlite|at /i);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /\[ERROR\] \[nexus-local\] GET \/api\/sessions failed: .*database/i);
});

test('the verbose log has one line per request, without the query string or key', async (t) => {
  const lines: string[] = [];
  const logger = createLogger({ verbose: true, write: (line) => lines.push(line) });
  const nexus = await startLocalNexus({ logger });
  t.after(() => nexus.close());

  const url = `${nexus.url}/webhook/pending?agentId=main&code=${nexus.apiKey}`;
  const answer = await fetch(url);
  await answer.text();

  assert.equal(answer.status, 200);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /\[DEBUG\] .* GET \/api\/webhook\/pending 200$/);
  assert.ok(!lines[0]!.includes(nexus.apiKey));
});

test('an empty key is refused before anything listens', async (t) => {
  const dataDir = await makeTempDir(t);

  await assert.rejects(createLocalNexus({ dataDir, apiKey: '' }), /non-empty API key/);
});

test('a port already in use is an error naming the host', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const address = blocker.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;

  const starting = createLocalNexus({ dataDir: await makeTempDir(t), apiKey: 'key', port });

  await assert.rejects(starting, (error: Error) => {
    assert.match(error.message, /could not listen on 127\.0\.0\.1/);
    assert.equal((error.cause as { code?: string }).code, 'EADDRINUSE');
    return true;
  });
});

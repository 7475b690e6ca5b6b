/**
 * Webhook items as strangers send them: payloads nested thousands of levels deep or 5 MB large,
 * ids of 10,000 characters, `__proto__` everywhere, the same id twice with other content, lone
 * surrogates, receivedAt missing or garbage. Each item is delivered once and exactly, or
 * reported by name and left pending; nothing else is held back by it.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';

import { createLogger } from '../../../src/worker/logger.js';
import { startLocalNexus, type TestNexus } from '../../helpers/local-nexus.js';
import { AGENT_ID } from '../../jobs/webhook-pull/job-setup.js';
import { startStubNexus, type StubNexus } from '../../jobs/webhook-pull/stub-nexus.js';
import { testKey } from './guard.js';
import { inboxItems, webhookCase } from './webhook-case.js';

async function localNexus(t: TestContext): Promise<TestNexus> {
  const nexus = await startLocalNexus({ apiKey: testKey() });
  t.after(() => nexus.close());
  return nexus;
}

async function stubNexus(t: TestContext, items: unknown[] | string): Promise<StubNexus> {
  const body = typeof items === 'string' ? items : JSON.stringify({ [AGENT_ID]: items });
  const stub = await startStubNexus(body);
  t.after(() => stub.close());
  return stub;
}

function nested(depth: number): string {
  return `${'['.repeat(depth)}"bottom"${']'.repeat(depth)}`;
}

describe('bad input: webhook items', { concurrency: 4 }, () => {
  test('a payload nested 5,000 levels deep is reported by name; the others go', async (t) => {
    const good = { id: 'good-1', source: 'putio', receivedAt: '2026-02-06T12:00:00Z', payload: 1 };
    const body = `{"${AGENT_ID}": [{"id": "d1", "source": "putio", "payload": ${nested(5000)}}, ` +
      `${JSON.stringify(good)}]}`;
    const stub = await stubNexus(t, body);
    const job = await webhookCase(t, { url: stub.url, apiKey: stub.apiKey });

    const { cli, result } = await job.run();

    assert.equal(cli.code, 1, cli.stderr);
    assert.equal(result.itemsProcessed, 1);
    assert.equal(result.errors.length, 1);
    const [error] = result.errors;
    assert.match(error ?? '', /^item "d1" from "putio": .*; left pending on Nexus$/);
    const reason = (error ?? '').slice('item "d1" from "putio": '.length);
    assert.match(reason, /nest|deep/i, `the reason does not say what is wrong: ${reason}`);
    assert.deepEqual([...(await inboxItems(job.inbox)).keys()], ['putio_good-1.json']);
    assert.deepEqual(stub.deletes, [['good-1']], 'only the delivered item may be deleted');
  });

  test('the local Nexus refuses a payload nested 100,000 deep with a 4xx, not a 500', async (t) => {
    // Its log would show the stack of a 500; the answer is what this case is about.
    const logger = createLogger({ write: () => undefined });
    const nexus = await startLocalNexus({ apiKey: testKey(), logger });
    t.after(() => nexus.close());
    const headers = { 'x-functions-key': nexus.apiKey, 'content-type': 'application/json' };

    const answer = await fetch(`${nexus.url}/webhook/${AGENT_ID}/putio`, {
      method: 'POST',
      headers,
      body: nested(100_000),
    });

    const text = await answer.text();
    assert.ok(answer.status >= 400 && answer.status < 500, `HTTP ${answer.status}: ${text}`);
    assert.match(JSON.parse(text).error, /nest|deep/i);
    assert.deepEqual(nexus.pendingItems(AGENT_ID), []);
  });

  test('a 5 MB payload is delivered whole and exactly, then deleted on Nexus', async (t) => {
    const nexus = await localNexus(t);
    const job = await webhookCase(t, { url: nexus.url, apiKey: nexus.apiKey });
    const payload = {
      file: 'ü'.repeat(2 * 1024 * 1024),
      lines: Array.from({ length: 30_000 }, (_, n) => ({ n, text: `line ${n} 🙂` })),
    };
    // Past the local server's 1 MiB ingest limit: into its store, as a bigger server would.
    nexus.store.addWebhookItem({
      id: 'big-1',
      agentId: AGENT_ID,
      source: 'backup',
      receivedAt: new Date().toISOString(),
      payload,
    });
    assert.ok(Buffer.byteLength(JSON.stringify(payload)) > 5_000_000);

    const { cli, result } = await job.run();

    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(result.itemsProcessed, 1);
    const items = await inboxItems(job.inbox);
    assert.deepEqual([...items.keys()], ['backup_big-1.json']);
    assert.deepEqual(items.get('backup_big-1.json')?.payload, payload);
    assert.ok((await readFile(path.join(job.inbox, 'backup_big-1.json'))).length > 5_000_000);
    assert.deepEqual(nexus.pendingItems(AGENT_ID), []);
  });

  test('an id of 10,000 characters: a short hashed name, the whole id kept inside', async (t) => {
    const nexus = await localNexus(t);
    const job = await webhookCase(t, { url: nexus.url, apiKey: nexus.apiKey });
    const id = `${'x'.repeat(5000)}/${'y'.repeat(4999)}`;
    await nexus.addWebhookItem(AGENT_ID, 'putio', { n: 1 }, id);
    await nexus.addWebhookItem(AGENT_ID, 'putio', { n: 2 }, `${id.slice(0, -1)}z`);

    const { cli, result } = await job.run();

    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(result.itemsProcessed, 2);
    const items = await inboxItems(job.inbox);
    assert.equal(items.size, 2, 'two ids alike for 9,999 characters must not share a file');
    for (const name of items.keys()) {
      assert.ok(Buffer.byteLength(name) <= 255, `${name.length} characters`);
      assert.match(name, /^putio_x+~[0-9a-f]{16}\.json$/);
    }
    const ids = [...items.values()].map((item) => item.id).sort();
    assert.deepEqual(ids, [id, `${id.slice(0, -1)}z`]);
    const lines = cli.stderr.split('\n');
    assert.ok(lines.every((line) => line.length < 2000), 'a log line quotes the id whole');
    assert.deepEqual(nexus.pendingItems(AGENT_ID), []);
  });

  test('one id twice with different content: delivered once, the conflict reported', async (t) => {
    const stub = await stubNexus(t, [
      { id: 'dup-1', source: 'putio', payload: { version: 'first' } },
      { id: 'dup-1', source: 'putio', payload: { version: 'second' } },
      { id: 'other', source: 'putio', payload: {} },
    ]);
    const job = await webhookCase(t, { url: stub.url, apiKey: stub.apiKey });

    const { cli, result } = await job.run();

    const items = await inboxItems(job.inbox);
    assert.deepEqual([...items.keys()], ['putio_dup-1.json', 'putio_other.json']);
    assert.deepEqual(items.get('putio_dup-1.json')?.payload, { version: 'first' });
    assert.equal(result.itemsProcessed, 2);
    assert.match(
      cli.stderr,
      /\[(WARNING|ERROR)\] .*"dup-1".*(twice|more than once|duplicate|different)/i,
      'the second content under the same id vanished without a word',
    );
    assert.equal(result.errors.length, 1);
    assert.match(result.errors[0] ?? '', /^item "dup-1" from "putio": /);
    // Deleting the id would delete the undelivered second copy as well.
    assert.deepEqual(stub.deletes, [['other']], 'the conflicting id was deleted on Nexus');
  });

  test('__proto__ and constructor as agent, id, source, payload keys: plain data', async (t) => {
    const nexus = await localNexus(t);
    const agentId = 'constructor';
    const job = await webhookCase(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
    const payloadText = '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}';
    const headers = { 'x-functions-key': nexus.apiKey, 'content-type': 'application/json' };
    for (const [source, id] of [['__proto__', '__proto__'], ['constructor', 'prototype']]) {
      const answer = await fetch(`${nexus.url}/webhook/${agentId}/${source}?id=${id}`, {
        method: 'POST',
        headers,
        body: payloadText,
      });
      assert.equal(answer.status, 201, await answer.text());
    }

    const { cli, result } = await job.run();

    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(result.itemsProcessed, 2);
    const names = (await readdir(job.inbox)).sort();
    assert.equal(names.length, 2);
    for (const name of names) {
      const text = await readFile(path.join(job.inbox, name), 'utf8');
      const item = JSON.parse(text) as { payload: Record<string, unknown> };
      assert.ok(Object.hasOwn(item.payload, '__proto__'), `${name} lost its __proto__ key`);
      assert.deepEqual(JSON.parse(JSON.stringify(item.payload)), JSON.parse(payloadText));
      assert.equal(Object.getPrototypeOf(item.payload), Object.prototype);
    }
    assert.deepEqual(nexus.pendingItems(agentId), []);
  });

  test('receivedAt missing, null, a number, an object, nonsense: delivered as sent', async (t) => {
    const sent = [
      { id: 'r-missing', source: 'putio' },
      { id: 'r-null', source: 'putio', receivedAt: null },
      { id: 'r-number', source: 'putio', receivedAt: 1782756163129 },
      { id: 'r-object', source: 'putio', receivedAt: { $date: '2026-02-06' } },
      { id: 'r-nonsense', source: 'putio', receivedAt: '2026-99-99T99:99:99Z' },
      { id: 'r-future', source: 'putio', receivedAt: '9999-12-31T23:59:59Z' },
    ];
    const stub = await stubNexus(t, sent);
    const job = await webhookCase(t, { url: stub.url, apiKey: stub.apiKey });

    const { cli, result } = await job.run();

    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(result.itemsProcessed, sent.length);
    const items = await inboxItems(job.inbox);
    for (const item of sent) {
      const file = items.get(`putio_${item.id}.json`);
      assert.deepEqual(file?.receivedAt, 'receivedAt' in item ? item.receivedAt : null, item.id);
    }
    assert.deepEqual(stub.deletes, [sent.map((item) => item.id)]);

    const again = await job.run();
    assert.equal(again.result.itemsProcessed, 0, 'an odd receivedAt made an item come again');
  });

  test('lone surrogates in an id and a payload: a safe name, text kept as escapes', async (t) => {
    const body = `{"${AGENT_ID}": [{"id": "half-\\ud83d", "source": "putio", ` +
      '"payload": {"text": "broken \\udc4b emoji", "\\ud800": 1}}]}';
    const stub = await stubNexus(t, body);
    const job = await webhookCase(t, { url: stub.url, apiKey: stub.apiKey });

    const { cli, result } = await job.run();

    assert.equal(cli.code, 0, cli.stderr);
    assert.equal(result.itemsProcessed, 1);
    const [name] = await readdir(job.inbox);
    assert.match(name ?? '', /^putio_half-_~[0-9a-f]{16}\.json$/);
    const text = await readFile(path.join(job.inbox, name ?? ''), 'utf8');
    assert.ok(!text.includes('\ufffd'), 'a lone surrogate was replaced, changing the data');
    const item = JSON.parse(text) as { id: string; payload: Record<string, unknown> };
    assert.equal(item.id, 'half-\ud83d');
    assert.deepEqual(item.payload, { text: 'broken \udc4b emoji', '\ud800': 1 });
    assert.deepEqual(stub.deletes, [['half-\ud83d']]);
  });
});

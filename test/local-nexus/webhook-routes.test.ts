import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { readJsonAnswer, startLocalNexus, type TestNexus } from '../helpers/local-nexus.js';

let nexus: TestNexus;
before(async () => {
  nexus = await startLocalNexus();
});
after(() => nexus.close());

interface PendingItem {
  id: string;
  source: string;
  receivedAt: string;
  payload: unknown;
}

async function pending(agentId: string): Promise<PendingItem[]> {
  const answer = await nexus.send('GET', `/webhook/pending?agentId=${encodeURIComponent(agentId)}`);
  assert.equal(answer.status, 200);
  assert.deepEqual(Object.keys(answer.body as object), [agentId]);
  return (answer.body as Record<string, PendingItem[]>)[agentId]!;
}

async function ingestRaw(path: string, body: string, contentType = 'application/json') {
  const headers = { 'x-functions-key': nexus.apiKey, 'content-type': contentType };
  return readJsonAnswer(await fetch(`${nexus.url}${path}`, { method: 'POST', headers, body }));
}

test('an ingested item is 201 with a server-chosen id and shows up as pending', async () => {
  const payload = { transfer_id: 12345, status: 'COMPLETED', names: ['ä', '🙂'] };
  const before = Date.now();

  const answer = await nexus.send('POST', '/webhook/ingest-agent/putio', payload);

  assert.equal(answer.status, 201);
  const { id } = answer.body as { id: string };
  assert.match(id, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z_[0-9a-f]+$/);
  const items = await pending('ingest-agent');
  assert.equal(items.length, 1);
  assert.equal(items[0]?.id, id);
  assert.equal(items[0]?.source, 'putio');
  assert.deepEqual(items[0]?.payload, payload);
  assert.ok(Date.parse(items[0]!.receivedAt) >= before - 1000);
});

test('server-chosen ids are unique across many quick ingests', async () => {
  const ids = await Promise.all(
    Array.from({ length: 20 }, (_, n) => nexus.addWebhookItem('many', 'test', { n })),
  );

  assert.equal(new Set(ids).size, ids.length);
  assert.equal((await pending('many')).length, ids.length);
});

test('pending lists items in the order received, and only for the asked agent', async () => {
  const first = await nexus.addWebhookItem('ordered', 'a', 1);
  const second = await nexus.addWebhookItem('ordered', 'b', 2);
  await nexus.addWebhookItem('unrelated', 'a', 3);
  const third = await nexus.addWebhookItem('ordered', 'c', 3);

  const items = await pending('ordered');

  assert.deepEqual(items.map((item) => item.id), [first, second, third]);
  assert.deepEqual(await pending('nobody-here'), []);
});

test('every kind of JSON value is a payload and comes back unchanged', async () => {
  const payloads = [null, 0, -1.5, 'text', true, [], [1, [2, [3]]], {}, { a: { b: 'c' } }];
  // Written as text: in an object literal, __proto__ would set the prototype, not a key.
  const bodies = [...payloads.map((payload) => JSON.stringify(payload)), '{"__proto__":{"x":1}}'];

  for (const body of bodies) {
    const answer = await ingestRaw('/webhook/kinds/test', body);
    assert.equal(answer.status, 201, body);
  }

  const items = await pending('kinds');
  assert.deepEqual(items.map((item) => JSON.stringify(item.payload)), bodies);
});

test('hostile ids, agent ids and sources round-trip exactly', async () => {
  const hostileIds = [
    '../../etc/passwd',
    '..',
    'a/b\\c',
    'C:\\Windows\\win.ini',
    'name with spaces\nand a newline',
    '2026-02-06T12:00:00Z:colons:',
    'ünïcødé 🙂',
    '%2e%2e%2f',
  ];
  const agentId = '../agent';
  const source = '../../source/x';

  for (const id of hostileIds) {
    assert.equal(await nexus.addWebhookItem(agentId, source, { id }, id), id);
  }

  const items = await pending(agentId);
  assert.deepEqual(items.map((item) => item.id), hostileIds);
  assert.ok(items.every((item) => item.source === source));

  const deleted = await nexus.send('DELETE', '/webhook/items', { ids: hostileIds });
  assert.deepEqual(deleted.body, { deleted: hostileIds.length });
  assert.deepEqual(await pending(agentId), []);
});

test('an id that exists already is a 409, even after it was deleted', async () => {
  const path = '/webhook/dup/test?id=fixed-id';

  const first = await nexus.send('POST', path, { n: 1 });
  const again = await nexus.send('POST', path, { n: 2 });
  await nexus.send('DELETE', '/webhook/items', { ids: ['fixed-id'] });
  const afterDelete = await nexus.send('POST', path, { n: 3 });

  assert.equal(first.status, 201);
  assert.equal(again.status, 409);
  assert.equal(afterDelete.status, 409);
  assert.equal(typeof (again.body as { error?: unknown }).error, 'string');
});

test('delete counts what it deleted and is idempotent', async () => {
  const kept = await nexus.addWebhookItem('deleter', 'test', 'kept');
  const gone = await nexus.addWebhookItem('deleter', 'test', 'gone');
  const alsoGone = await nexus.addWebhookItem('deleter', 'test', 'also gone');

  const first = await nexus.send('DELETE', '/webhook/items', { ids: [gone, alsoGone, 'unknown'] });
  const second = await nexus.send('DELETE', '/webhook/items', { ids: [gone, alsoGone] });
  const empty = await nexus.send('DELETE', '/webhook/items', { ids: [] });

  assert.deepEqual([first.status, first.body], [200, { deleted: 2 }]);
  assert.deepEqual([second.status, second.body], [200, { deleted: 0 }]);
  assert.deepEqual([empty.status, empty.body], [200, { deleted: 0 }]);
  assert.deepEqual((await pending('deleter')).map((item) => item.id), [kept]);
});

test('a delete body without an array of string ids is 400', async () => {
  const id = await nexus.addWebhookItem('bad-delete', 'test', {});

  for (const body of [{}, { ids: id }, { ids: [id, 7] }, { ids: null }, [id], 'ids']) {
    const answer = await nexus.send('DELETE', '/webhook/items', body);
    assert.equal(answer.status, 400, JSON.stringify(body));
  }
  const noBody = await nexus.send('DELETE', '/webhook/items');

  assert.equal(noBody.status, 400);
  assert.equal((await pending('bad-delete')).length, 1, 'nothing was deleted');
});

test('pending without exactly one agentId is 400', async () => {
  for (const query of ['', '?agentId=', '?agentId=a&agentId=b']) {
    const answer = await nexus.send('GET', `/webhook/pending${query}`);

    assert.equal(answer.status, 400, query);
    assert.equal(typeof (answer.body as { error?: unknown }).error, 'string');
  }
});

test('bad ingests are 4xx: empty id, no body, bad JSON, other types, over 1 MiB', async () => {
  const oversized = JSON.stringify({ blob: 'x'.repeat(1024 * 1024) });

  const emptyId = await nexus.send('POST', '/webhook/bad/test?id=', { n: 1 });
  const noBody = await nexus.send('POST', '/webhook/bad/test');
  const malformed = await ingestRaw('/webhook/bad/test', '{"n": ');
  const plainText = await ingestRaw('/webhook/bad/test', 'hello', 'text/plain');
  const tooLarge = await ingestRaw('/webhook/bad/test', oversized);
  const emptyAgent = await nexus.send('POST', '/webhook//test', { n: 1 });

  assert.equal(emptyId.status, 400);
  assert.equal(noBody.status, 400);
  assert.equal(malformed.status, 400);
  assert.equal(plainText.status, 415);
  assert.equal(tooLarge.status, 413);
  assert.equal(emptyAgent.status, 400);
  assert.deepEqual(await pending('bad'), []);
});

test('a payload nested 1,000 levels deep is taken; one level more is a 400 saying so', async () => {
  const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  const deepest = `{"a":${nested(999)}}`;

  const taken = await ingestRaw('/webhook/deep/test', deepest);
  const refused = await ingestRaw('/webhook/deep/test', `[${deepest}]`);

  assert.equal(taken.status, 201);
  assert.equal(refused.status, 400);
  const { error } = refused.body as { error: string };
  assert.match(error, /^the payload is nested too deep: more than 1000 levels of arrays/);
  const items = await pending('deep');
  assert.deepEqual(items.map((item) => JSON.stringify(item.payload)), [deepest]);
});

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import Database from 'better-sqlite3';

import { sha256Hex } from '../../src/local-nexus/session-upload.js';
import { DATABASE_FILE_NAME, NexusStore, type NewSession } from '../../src/local-nexus/store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const SESSION_ID = '0b5f6a52-7a47-4c4b-9d0e-3c1f2a9e8d71';

function newSession(agentId: string, transcript: string, fileName: string | null = null) {
  const session: NewSession = {
    agentId,
    sessionId: SESSION_ID,
    transcript,
    fileName,
    sha256: sha256Hex(transcript),
    bytes: Buffer.byteLength(transcript),
    storedAt: new Date().toISOString(),
  };
  return session;
}

test('open creates the data folder and a WAL-mode nexus.sqlite in it', async (t) => {
  const dataDir = join(await makeTempDir(t), 'nested', 'data');

  const store = NexusStore.open(dataDir);
  store.close();

  const databasePath = join(dataDir, DATABASE_FILE_NAME);
  assert.ok(existsSync(databasePath));
  const db = new Database(databasePath, { readonly: true });
  t.after(() => db.close());
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
});

test('the same content is a duplicate; different content becomes the next version', async (t) => {
  const store = NexusStore.open(await makeTempDir(t));
  t.after(() => store.close());

  const first = store.saveSession(newSession('main', 'line one\n', `${SESSION_ID}.jsonl`));
  const again = store.saveSession(newSession('main', 'line one\n', 'another-name.jsonl'));
  const second = store.saveSession(newSession('main', 'line one\nline two\n'));
  const otherAgent = store.saveSession(newSession('helper', 'line one\n'));

  assert.equal(first.kind, 'stored');
  assert.equal(first.session.version, 1);
  assert.equal(again.kind, 'duplicate');
  assert.deepEqual(again.session, first.session);
  assert.equal(second.kind, 'stored');
  assert.equal(second.session.version, 2);
  assert.equal(otherAgent.kind, 'stored');
  assert.equal(otherAgent.session.version, 1);

  const versions = store.sessionVersions('main', SESSION_ID);
  assert.deepEqual(
    versions.map((v) => [v.version, v.transcript, v.fileName]),
    [
      [1, 'line one\n', `${SESSION_ID}.jsonl`],
      [2, 'line one\nline two\n', null],
    ],
  );
  assert.equal(store.listSessions().length, 3);
  assert.deepEqual(
    store.listSessions('helper').map((s) => s.agentId),
    ['helper'],
  );
  assert.ok(!('transcript' in store.listSessions('main')[0]!));
});

test('stored data survives closing and reopening the store', async (t) => {
  const dataDir = await makeTempDir(t);
  const transcript = '{"role":"user","text":"héllo – 👋"}\r\n';

  const first = NexusStore.open(dataDir);
  first.saveSession(newSession('main', transcript));
  first.addWebhookItem({
    id: 'kept',
    agentId: 'main',
    source: 'putio',
    receivedAt: '2026-02-06T12:00:00.000Z',
    payload: { n: 1 },
  });
  first.close();

  const reopened = NexusStore.open(dataDir);
  t.after(() => reopened.close());
  assert.equal(reopened.sessionVersions('main', SESSION_ID)[0]?.transcript, transcript);
  assert.deepEqual(reopened.pendingWebhookItems('main').map((item) => item.id), ['kept']);
});

test('pending items come by receivedAt, then by arrival, without deleted ones', async (t) => {
  const store = NexusStore.open(await makeTempDir(t));
  t.after(() => store.close());
  const add = (id: string, receivedAt: string, agentId = 'main') =>
    store.addWebhookItem({ id, agentId, source: 'test', receivedAt, payload: id });

  assert.equal(add('late', '2026-02-06T12:00:02.000Z'), true);
  assert.equal(add('early', '2026-02-06T12:00:00.000Z'), true);
  assert.equal(add('tie-first', '2026-02-06T12:00:01.000Z'), true);
  assert.equal(add('tie-second', '2026-02-06T12:00:01.000Z'), true);
  assert.equal(add('someone-else', '2026-02-06T12:00:00.000Z', 'other'), true);
  assert.equal(add('late', '2026-02-06T12:00:09.000Z'), false);

  const ids = () => store.pendingWebhookItems('main').map((item) => item.id);
  assert.deepEqual(ids(), ['early', 'tie-first', 'tie-second', 'late']);

  assert.equal(store.deleteWebhookItems(['tie-first', 'never-existed', 'early'], 'now'), 2);
  assert.equal(store.deleteWebhookItems(['tie-first'], 'now'), 0);
  assert.deepEqual(ids(), ['tie-second', 'late']);
  assert.equal(add('early', '2026-02-06T12:00:10.000Z'), false, 'a deleted id stays taken');
});

test('payloads of every JSON kind and hostile ids come back unchanged', async (t) => {
  const store = NexusStore.open(await makeTempDir(t));
  t.after(() => store.close());
  const cases: Array<[string, unknown]> = [
    ['../../etc/passwd', { nested: { list: [1, 'two', null, true] } }],
    ['C:\\Windows\\system32', [1, 2, 3]],
    ['with\nnewline and \u0000 nul', 'just a string'],
    ['ünïcødé/🙂', 42.5],
    [':', null],
  ];

  cases.forEach(([id, payload], index) => {
    const receivedAt = `2026-02-06T12:00:0${index}.000Z`;
    assert.ok(store.addWebhookItem({ id, agentId: 'main', source: '../src', receivedAt, payload }));
  });

  const pending = store.pendingWebhookItems('main');
  assert.deepEqual(
    pending.map((item) => [item.id, item.payload]),
    cases,
  );
  assert.ok(pending.every((item) => item.source === '../src'));
});

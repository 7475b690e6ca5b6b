import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { readSessionStore, type StoreOutcome } from '../../src/openclaw/session-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const FIXTURE_STORE = fileURLToPath(
  new URL('../../fixtures/openclaw-legacy/agents/main/sessions/sessions.json', import.meta.url),
);

const A = '103d47df-5ad4-4d86-b2e5-98080dd2102a';
const B = '913d0f7b-8fa1-4578-9105-3ef6710cc9d0';
const C = '53c400cf-672f-4a5c-9399-672b9c0458c8';

async function storeWith(dir: string, content: string): Promise<string> {
  const storePath = path.join(dir, 'sessions.json');
  await writeFile(storePath, content);
  return storePath;
}

function activeOf(outcome: StoreOutcome): string[] {
  assert.ok(outcome.known, `store should be known, got: ${JSON.stringify(outcome)}`);
  return [...outcome.active].sort();
}

test('the real store: entries by value, plus compaction checkpoint files', async (t) => {
  const dir = await makeTempDir(t);
  const storePath = path.join(dir, 'sessions.json');
  await copyFile(FIXTURE_STORE, storePath);

  const outcome = await readSessionStore(storePath);

  assert.deepEqual(activeOf(outcome), [
    `${A}.checkpoint.d3e61746-59ed-4c7f-ba6b-1d12db47a834.jsonl`,
    `${A}.jsonl`,
    `${C}.checkpoint.441a8f72-3192-4955-bb72-85082cd44acc.jsonl`,
    `${C}.checkpoint.ee4176e5-40f7-4714-9033-7448d575d1bb.jsonl`,
    `${C}.jsonl`,
    `${B}.jsonl`,
  ].sort());
  assert.ok(outcome.known);
  assert.equal(outcome.entries, 3);
});

test('sessionFile paths are compared by base name, whatever machine wrote them', async (t) => {
  const dir = await makeTempDir(t);
  const storePath = await storeWith(dir, JSON.stringify({
    'agent:main:main': {
      sessionId: 'a',
      sessionFile: 'C:\\Users\\ana\\.openclaw\\sessions\\w.jsonl',
    },
    'agent:main:relative': { sessionId: 'b', sessionFile: 'sessions/relative.jsonl' },
    'agent:main:bare': { sessionId: 'c', sessionFile: 'bare.jsonl' },
    'agent:main:foreign': { sessionId: 'd', sessionFile: '/home/old-host/.openclaw/x/f.jsonl' },
    'agent:main:mixed': { sessionId: 'e', sessionFile: 'D:/backup\\restored/m-topic-9.jsonl' },
    'agent:main:padded': { sessionId: 'f', sessionFile: '  /srv/state/padded.jsonl \n' },
  }));

  const outcome = await readSessionStore(storePath);

  assert.deepEqual(activeOf(outcome), [
    'bare.jsonl',
    'f.jsonl',
    'm-topic-9.jsonl',
    'padded.jsonl',
    'relative.jsonl',
    'w.jsonl',
  ]);
});

test('without a usable sessionFile the entry names <sessionId>.jsonl', async (t) => {
  const dir = await makeTempDir(t);
  const storePath = await storeWith(dir, JSON.stringify({
    'cron:nightly': { sessionId: A, updatedAt: 1 },
    'hook:1': { sessionId: B, sessionFile: '' },
    'hook:2': { sessionId: C, sessionFile: 42 },
    'hook:3': { updatedAt: 5 },
    'hook:4': { sessionId: '', sessionFile: '   ' },
  }));

  assert.deepEqual(activeOf(await readSessionStore(storePath)), [
    `${A}.jsonl`,
    `${B}.jsonl`,
    `${C}.jsonl`,
  ].sort());
});

test('checkpoint references count; malformed checkpoint lists do not break the read', async (t) => {
  const dir = await makeTempDir(t);
  const storePath = await storeWith(dir, JSON.stringify({
    'agent:main:main': {
      sessionId: A,
      sessionFile: `/x/${A}.jsonl`,
      compactionCheckpoints: [
        { preCompaction: { sessionFile: `C:\\state\\${A}.checkpoint.one.jsonl` } },
        { preCompaction: { sessionId: A } },
        { postCompaction: { sessionFile: '/x/post-only.jsonl' } },
        null,
        'text',
        { preCompaction: { sessionFile: `${A}.pre-two.jsonl` } },
      ],
    },
    'agent:main:other': { sessionId: B, compactionCheckpoints: { not: 'an array' } },
  }));

  assert.deepEqual(activeOf(await readSessionStore(storePath)), [
    `${A}.checkpoint.one.jsonl`,
    `${A}.jsonl`,
    `${A}.pre-two.jsonl`,
    `${B}.jsonl`,
  ].sort());
});

test('values that are not objects are skipped and not counted', async (t) => {
  const dir = await makeTempDir(t);
  const storePath = await storeWith(dir, JSON.stringify({
    'agent:main:main': { sessionId: A },
    broken: null,
    list: [{ sessionId: B }],
    text: `${C}.jsonl`,
    count: 3,
  }));

  const outcome = await readSessionStore(storePath);

  assert.deepEqual(activeOf(outcome), [`${A}.jsonl`]);
  assert.ok(outcome.known);
  assert.equal(outcome.entries, 1);
});

test('an empty object is a known store with nothing active', async (t) => {
  const dir = await makeTempDir(t);
  const outcome = await readSessionStore(await storeWith(dir, '{}\n'));
  assert.deepEqual(outcome, { known: true, active: new Set(), entries: 0, reused: false });
});

test('a byte-order mark before the JSON is tolerated', async (t) => {
  const dir = await makeTempDir(t);
  const storePath = await storeWith(dir, `\uFEFF${JSON.stringify({ k: { sessionId: A } })}`);
  assert.deepEqual(activeOf(await readSessionStore(storePath)), [`${A}.jsonl`]);
});

test('a missing store is unknown and marked missing', async (t) => {
  const dir = await makeTempDir(t);
  const outcome = await readSessionStore(path.join(dir, 'sessions.json'));
  assert.deepEqual(outcome, { known: false, reason: 'sessions.json not found', missing: true });
});

test('unreadable stores are unknown, never empty, and say why', async (t) => {
  const dir = await makeTempDir(t);
  const real = await readFile(FIXTURE_STORE, 'utf8');
  const cases: [string, string, RegExp][] = [
    ['empty', '', /empty \(0 bytes\)/],
    ['whitespace', ' \n\t\r\n', /only whitespace/],
    ['truncated', real.slice(0, Math.floor(real.length / 2)), /not valid JSON/],
    ['cut after the brace', '{', /not valid JSON/],
    ['array', JSON.stringify([{ sessionId: A }]), /holds an array/],
    ['null', 'null', /holds null/],
    ['number', '12', /holds a number/],
    ['string', '"sessions"', /holds a string/],
  ];

  for (const [label, content, reason] of cases) {
    const outcome = await readSessionStore(await storeWith(dir, content));
    assert.equal(outcome.known, false, label);
    assert.ok(!outcome.known);
    assert.match(outcome.reason, reason, label);
    assert.match(outcome.reason, /^sessions\.json /, label);
    assert.equal(outcome.missing, false, label);
  }
});

test('a folder named sessions.json is unknown', async (t) => {
  const dir = await makeTempDir(t);
  const storePath = path.join(dir, 'sessions.json');
  await mkdir(storePath);

  const outcome = await readSessionStore(storePath);

  assert.equal(outcome.known, false);
  assert.ok(!outcome.known);
  assert.match(outcome.reason, /not a regular file/);
});

test('a store over the size bound is not parsed', async (t) => {
  const dir = await makeTempDir(t);
  const storePath = await storeWith(dir, JSON.stringify({ k: { sessionId: A } }));

  const outcome = await readSessionStore(storePath, { maxBytes: 16 });
  const within = await readSessionStore(storePath, { maxBytes: 1024 });

  assert.ok(!outcome.known);
  assert.match(outcome.reason, /sessions\.json is \d+ bytes, over the 16 bytes this worker reads/);
  assert.equal(within.known, true);
});

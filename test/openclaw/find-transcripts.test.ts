import assert from 'node:assert/strict';
import { cp, readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';

import {
  FIXTURE,
  HOUR,
  ID_A,
  ID_B,
  NOW,
  TS,
  assertAccountedFor,
  place,
  readyNames,
  scan,
  sessionsFolder,
  skippedAs,
  storeReferring,
} from './scan-fixture.js';

describe('the bundled OpenClaw folder', () => {
  const reset = '60480e1e-6d95-473d-8adf-d5816f52e268.jsonl.reset.2026-06-03T22-45-31.372Z';
  const deleted = 'b6613141-de65-4b4e-b095-f5095b7c585f.jsonl.deleted.2026-06-29T17-41-11.188Z';
  const live = '913d0f7b-8fa1-4578-9105-3ef6710cc9d0.jsonl';

  test('archives are ready, the referenced transcript and OpenClaw files are not', async (t) => {
    const root = await sessionsFolder(t);
    await cp(FIXTURE, root, { recursive: true });
    const dir = path.join(root, 'agents', 'main', 'sessions');
    const names = await readdir(dir);
    for (const [index, name] of names.entries()) {
      // The deleted archive is made the oldest, to see the order is by age, not by name.
      const age = name === deleted ? 5 * HOUR : HOUR + index * 1000;
      await utimes(path.join(dir, name), (NOW - age) / 1000, (NOW - age) / 1000);
    }

    const result = await scan(dir);

    assert.deepEqual(readyNames(result), [deleted, reset]);
    assert.deepEqual(result.ready[1], {
      name: reset,
      path: path.join(dir, reset),
      sessionId: '60480e1e-6d95-473d-8adf-d5816f52e268',
      kind: 'reset',
      topic: undefined,
      archivedAt: '2026-06-03T22-45-31.372Z',
      compressed: false,
      size: 2795,
      mtimeMs: NOW - HOUR - names.indexOf(reset) * 1000,
    });
    assert.equal(result.ready[0]?.kind, 'deleted');
    assert.deepEqual(result.waiting, []);
    assert.equal(skippedAs(result, live).category, 'active');
    const sidecar = `${live.slice(0, 36)}.trajectory-path.json`;
    assert.equal(skippedAs(result, sidecar).category, 'ignored');
    assert.equal(skippedAs(result, 'sessions.json').category, 'ignored');
    assert.equal(result.store.known, true);
    await assertAccountedFor(dir, result);
  });
});

describe('plain and topic transcripts follow the store', () => {
  test('unreferenced ones are ready; referenced ones, by any path form, are active', async (t) => {
    const dir = await sessionsFolder(t);
    await storeReferring(dir, {
      'agent:main:main': {
        sessionId: ID_A,
        sessionFile: `C:\\Users\\ana\\sessions\\${ID_A}.jsonl`,
      },
      'cron:daily': { sessionId: ID_B },
    });
    const orphan = 'c0ffee00-1111-4222-8333-444455556666.jsonl';
    await place(dir, `${ID_A}.jsonl`, '{}\n');
    await place(dir, `${ID_B}.jsonl`, '{}\n');
    await place(dir, orphan, '{"type":"session"}\n');

    const result = await scan(dir);

    assert.deepEqual(readyNames(result), [orphan]);
    assert.equal(result.ready[0]?.kind, 'transcript');
    assert.equal(result.ready[0]?.size, '{"type":"session"}\n'.length);
    assert.equal(skippedAs(result, `${ID_A}.jsonl`).category, 'active');
    assert.equal(skippedAs(result, `${ID_B}.jsonl`).category, 'active');
    await assertAccountedFor(dir, result);
  });

  test('two topic files of one session are both ready under the same session id', async (t) => {
    const dir = await sessionsFolder(t);
    await storeReferring(dir, { 'agent:main:main': { sessionId: ID_B } });
    await place(dir, `${ID_A}-topic-1.jsonl`, 'one\n', 2 * HOUR);
    await place(dir, `${ID_A}-topic-2.jsonl`, 'two\n', 3 * HOUR);

    const result = await scan(dir);

    assert.deepEqual(readyNames(result), [`${ID_A}-topic-2.jsonl`, `${ID_A}-topic-1.jsonl`]);
    assert.deepEqual(
      result.ready.map(({ sessionId, kind, topic }) => ({ sessionId, kind, topic })),
      [
        { sessionId: ID_A, kind: 'topic', topic: '2' },
        { sessionId: ID_A, kind: 'topic', topic: '1' },
      ],
    );
  });

  test('a topic file the store names stays; its topic archive is ready', async (t) => {
    const dir = await sessionsFolder(t);
    await storeReferring(dir, {
      'agent:main:telegram:group:1:topic:7': {
        sessionId: ID_A,
        sessionFile: `/root/.openclaw/agents/main/sessions/${ID_A}-topic-7.jsonl`,
      },
    });
    await place(dir, `${ID_A}-topic-7.jsonl`, 'live\n');
    await place(dir, `${ID_A}-topic-7.jsonl.reset.${TS}`, 'old\n');

    const result = await scan(dir);

    assert.deepEqual(readyNames(result), [`${ID_A}-topic-7.jsonl.reset.${TS}`]);
    assert.equal(result.ready[0]?.topic, '7');
    assert.equal(skippedAs(result, `${ID_A}-topic-7.jsonl`).category, 'active');
  });
});

describe('an unreadable store leaves plain transcripts alone', () => {
  const stores: [string, string | undefined, RegExp][] = [
    ['missing', undefined, /sessions\.json not found/],
    ['empty', '', /empty/],
    ['truncated', '{"agent:main:main": {"sessionId": "', /not valid JSON/],
    ['an array', '[]', /array/],
    ['null', 'null', /null/],
  ];

  for (const [label, content, reason] of stores) {
    test(`store ${label}: archives still ready, plain and topic transcripts skipped`, async (t) => {
      const dir = await sessionsFolder(t);
      if (content !== undefined) await place(dir, 'sessions.json', content);
      await place(dir, `${ID_A}.jsonl`, 'x\n');
      await place(dir, `${ID_A}-topic-3.jsonl`, 'x\n');
      await place(dir, `${ID_B}.jsonl.deleted.${TS}`, 'x\n');
      await place(dir, `${ID_B}.jsonl.reset.${TS}.zst`, 'x');

      const result = await scan(dir);

      assert.deepEqual(readyNames(result).sort(), [
        `${ID_B}.jsonl.deleted.${TS}`,
        `${ID_B}.jsonl.reset.${TS}.zst`,
      ]);
      assert.equal(result.ready.find((entry) => entry.compressed)?.kind, 'reset');
      assert.equal(result.store.known, false);
      assert.ok(!result.store.known);
      assert.match(result.store.reason, reason);
      assert.equal(result.store.missing, content === undefined);
      for (const name of [`${ID_A}.jsonl`, `${ID_A}-topic-3.jsonl`]) {
        const skipped = skippedAs(result, name);
        assert.equal(skipped.category, 'store-unknown');
        assert.match(skipped.reason, reason);
        assert.match(skipped.reason, /left alone/);
      }
      await assertAccountedFor(dir, result);
    });
  }
});

test('a large folder: every entry accounted for, only the right ones ready', async (t) => {
  const dir = await sessionsFolder(t);
  const active: Record<string, unknown> = {};
  const expectedReady: string[] = [];
  for (let index = 0; index < 600; index += 1) {
    const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
    await place(dir, `${id}.jsonl`, 'x\n', HOUR + index * 1000);
    if (index % 3 === 0) active[`agent:main:${index}`] = { sessionId: id };
    else expectedReady.push(`${id}.jsonl`);
    if (index % 5 === 0) await place(dir, `${id}.checkpoint.${ID_A}.jsonl`, 'x\n');
    if (index % 7 === 0) {
      await place(dir, `${id}.jsonl.deleted.${TS}`, 'x\n', HOUR + index * 1000 + 500);
      expectedReady.push(`${id}.jsonl.deleted.${TS}`);
    }
  }
  await storeReferring(dir, active);

  const result = await scan(dir);

  // Oldest first: the highest index is the oldest, and each archive is half a second older.
  assert.deepEqual(readyNames(result), expectedReady.reverse());
  assert.equal(result.skipped.filter((entry) => entry.category === 'active').length, 200);
  await assertAccountedFor(dir, result);
});

test('a missing sessions folder fails the scan with the folder named', async (t) => {
  const parent = await sessionsFolder(t);
  const missing = path.join(parent, 'agents', 'nobody', 'sessions');

  await assert.rejects(scan(missing), (error: Error) => {
    assert.match(error.message, /^OpenClaw sessions folder not found: /);
    assert.ok(error.message.includes(missing));
    return true;
  });
});

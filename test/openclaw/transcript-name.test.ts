import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  classifyName,
  isArchive,
  isTranscriptName,
  type NameClass,
  type TranscriptName,
} from '../../src/openclaw/transcript-name.js';

const ID = '60480e1e-6d95-473d-8adf-d5816f52e268';
const OTHER = 'd3e61746-59ed-4c7f-ba6b-1d12db47a834';
const TS = '2026-06-03T22-45-31.372Z';

function transcript(fields: Partial<TranscriptName> & Pick<TranscriptName, 'kind'>) {
  return {
    sessionId: ID,
    topic: undefined,
    archivedAt: undefined,
    compressed: false,
    ...fields,
  };
}

describe('transcript names', () => {
  const cases: [string, TranscriptName][] = [
    [`${ID}.jsonl`, transcript({ kind: 'transcript' })],
    [`${ID.toUpperCase()}.jsonl`, transcript({ kind: 'transcript', sessionId: ID.toUpperCase() })],
    [`${ID}-topic-42.jsonl`, transcript({ kind: 'topic', topic: '42' })],
    [`${ID}-topic-thread%3A1.v2.jsonl`, transcript({ kind: 'topic', topic: 'thread%3A1.v2' })],
    [`${ID}.jsonl.reset.${TS}`, transcript({ kind: 'reset', archivedAt: TS })],
    [
      `${ID}.jsonl.deleted.2026-06-29T17-41-11Z`,
      transcript({ kind: 'deleted', archivedAt: '2026-06-29T17-41-11Z' }),
    ],
    [
      `${ID}.jsonl.reset.${TS}.zst`,
      transcript({ kind: 'reset', archivedAt: TS, compressed: true }),
    ],
    [
      `${ID}.jsonl.deleted.${TS}.zst`,
      transcript({ kind: 'deleted', archivedAt: TS, compressed: true }),
    ],
    [`${ID}-topic-7.jsonl.reset.${TS}`, transcript({ kind: 'reset', topic: '7', archivedAt: TS })],
    [
      `${ID}-topic-7.jsonl.deleted.${TS}.zst`,
      transcript({ kind: 'deleted', topic: '7', archivedAt: TS, compressed: true }),
    ],
  ];

  for (const [name, expected] of cases) {
    test(name, () => {
      assert.deepEqual(classifyName(name), expected);
    });
  }
});

describe('files OpenClaw owns are ignored, with a reason', () => {
  const cases: [string, NameClass['kind']][] = [
    [`${ID}.checkpoint.${OTHER}.jsonl`, 'checkpoint'],
    [`${ID}-topic-7.checkpoint.${OTHER}.jsonl`, 'checkpoint'],
    [`${ID}.checkpoint.${OTHER}.jsonl.deleted.${TS}`, 'checkpoint'],
    [`${ID}.trajectory.jsonl`, 'trajectory'],
    [`${ID}-topic-7.trajectory.jsonl`, 'trajectory'],
    [`${ID}.trajectory.jsonl.deleted.${TS}`, 'trajectory'],
    [`${ID}.trajectory-path.json`, 'trajectory'],
    [`${ID}.jsonl.lock`, 'lock'],
    [`${ID}.jsonl.reset.${TS}.lock`, 'lock'],
    ['sessions.json.lock', 'lock'],
    ['sessions.json', 'session-store'],
    [`sessions.json.${OTHER}.tmp`, 'temp'],
    [`${ID}.jsonl.tmp`, 'temp'],
    [`${ID}.jsonl.deleted.${TS}.zst.tmp`, 'temp'],
    ['sessions.json.repair-4242.tmp', 'temp'],
    [`${ID}.jsonl.repair-1782751088544.tmp`, 'temp'],
    ['sessions.json.bak.1782751088544', 'backup'],
    [`${ID}.jsonl.bak.${TS}`, 'backup'],
    [`${ID}.jsonl.bak-4242-1782751088544`, 'backup'],
    ['sessions.json.telegram-messages.json', 'message-cache'],
    [`${ID}.jsonl.zst`, 'unknown'],
    [`${ID}.json`, 'unknown'],
    [`${ID}.JSONL`, 'unknown'],
    [`${ID}.jsonl.archived.${TS}`, 'unknown'],
    [`${ID}.jsonl.reset.yesterday`, 'unknown'],
    [`${ID}.jsonl.reset.2026-06-03T22:45:31.372Z`, 'unknown'],
    [`${ID}.jsonl.deleted.${TS}.gz`, 'unknown'],
    ['cold', 'unknown'],
    ['README.md', 'unknown'],
  ];

  for (const [name, kind] of cases) {
    test(`${name} → ${kind}`, () => {
      const result = classifyName(name);
      assert.equal(result.kind, kind);
      assert.equal(isTranscriptName(result), false);
      assert.ok('reason' in result && result.reason.length > 0, 'a reason is given');
    });
  }

  test('an archive with a malformed time says what it expected', () => {
    const result = classifyName(`${ID}.jsonl.reset.yesterday`);
    assert.ok('reason' in result);
    assert.match(result.reason, /reset archive.*"yesterday".*not an archive time/);
  });
});

describe('transcript-shaped names without a session id', () => {
  const cases: [string, string, string][] = [
    ['notes.jsonl', 'transcript', 'notes'],
    [`abc.jsonl.reset.${TS}`, 'reset', 'abc'],
    [`abc.jsonl.deleted.${TS}.zst`, 'deleted', 'abc'],
    ['foo-topic-1.jsonl', 'topic', 'foo'],
    [`bar-topic-1.jsonl.reset.${TS}`, 'reset', 'bar'],
    [`${ID.slice(0, 35)}.jsonl`, 'transcript', ID.slice(0, 35)],
    [`${ID}x.jsonl`, 'transcript', `${ID}x`],
    [`x${ID}.jsonl`, 'transcript', `x${ID}`],
    [`${ID}-topic-.jsonl`, 'transcript', `${ID}-topic-`],
    [`${ID}.deleted.jsonl`, 'transcript', `${ID}.deleted`],
    ['g0480e1e-6d95-473d-8adf-d5816f52e268.jsonl', 'transcript', 'g0480e1e'],
    ['60480e1e6d95473d8adfd5816f52e268.jsonl', 'transcript', '60480e1e6d95'],
    ['.jsonl', 'transcript', '""'],
  ];

  for (const [name, looksLike, quoted] of cases) {
    test(name, () => {
      const result = classifyName(name);
      assert.equal(result.kind, 'no-session-id');
      assert.ok(result.kind === 'no-session-id');
      assert.equal(result.looksLike, looksLike);
      assert.ok(result.reason.includes(quoted), `reason names the id: ${result.reason}`);
      assert.match(result.reason, /not a session id/);
    });
  }
});

test('isArchive is true for reset and deleted only', () => {
  assert.deepEqual(
    (['transcript', 'topic', 'reset', 'deleted'] as const).map(isArchive),
    [false, false, true, true],
  );
});

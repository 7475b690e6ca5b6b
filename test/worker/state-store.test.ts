import assert from 'node:assert/strict';
import { readFile, readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { createLogger } from '../../src/worker/logger.js';
import {
  readRunRecord,
  runRecordPath,
  writeRunRecord,
  type JobRunRecord,
} from '../../src/worker/state-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const KEY = 'api-key-5ecret';

function record(overrides: Partial<JobRunRecord> = {}): JobRunRecord {
  return {
    jobId: 'main-sessions',
    startedAt: '2026-02-06T14:00:00.000Z',
    finishedAt: '2026-02-06T14:00:03.000Z',
    result: {
      jobId: 'main-sessions',
      success: true,
      message: 'Uploaded 2 sessions for main',
      itemsProcessed: 2,
      errors: [],
    },
    ...overrides,
  };
}

function recordingLogger() {
  const lines: string[] = [];
  return { lines, log: createLogger({ write: (line) => lines.push(line) }) };
}

test('a saved run reads back the same, in owner-only files and folders', async (t) => {
  const stateDir = path.join(await makeTempDir(t), 'state');
  const { log, lines } = recordingLogger();

  await writeRunRecord(stateDir, record(), [KEY]);

  assert.deepEqual(await readRunRecord(stateDir, 'main-sessions', log), record());
  const file = runRecordPath(stateDir, 'main-sessions');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await stat(path.dirname(file))).mode & 0o777, 0o700);
  assert.deepEqual(lines, []);
});

test('a job that never ran has no record and nothing is reported', async (t) => {
  const { log, lines } = recordingLogger();
  assert.equal(await readRunRecord(await makeTempDir(t), 'main-sessions', log), undefined);
  assert.deepEqual(lines, []);
});

test('the API key never reaches the state file, even when an error quotes it', async (t) => {
  const stateDir = await makeTempDir(t);
  const leaky = record();
  leaky.result = { ...leaky.result, success: false, errors: [`GET /x?code=${KEY}: "refused"`] };

  await writeRunRecord(stateDir, leaky, [KEY]);

  const text = await readFile(runRecordPath(stateDir, 'main-sessions'), 'utf8');
  assert.ok(!text.includes(KEY));
  assert.match(text, /code=\*\*\*: \\"refused\\"/);
});

for (const [name, content] of [
  ['not JSON', '{"jobId": "main-sess'],
  ['the wrong shape', '{"jobId": "main-sessions", "startedAt": 7}'],
  ['another job\'s record', JSON.stringify(record({ jobId: 'other' }))],
] as const) {
  test(`a state file with ${name} is reported, set aside, and the job counts as never run`,
    async (t) => {
      const stateDir = await makeTempDir(t);
      const file = runRecordPath(stateDir, 'main-sessions');
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, content);
      const { log, lines } = recordingLogger();

      assert.equal(await readRunRecord(stateDir, 'main-sessions', log), undefined);

      assert.equal(lines.length, 1);
      assert.match(lines[0] ?? '', /\[WARNING\] .*State file .*main-sessions\.json is unreadable/);
      assert.equal(await readFile(`${file}.corrupt`, 'utf8'), content);

      await writeRunRecord(stateDir, record(), []);
      assert.deepEqual(await readRunRecord(stateDir, 'main-sessions', log), record());
    },
  );
}

test('temp files left by an interrupted save are removed by the next save', async (t) => {
  const stateDir = await makeTempDir(t);
  const runs = path.dirname(runRecordPath(stateDir, 'main-sessions'));
  await mkdir(runs, { recursive: true });
  await writeFile(path.join(runs, '.main-sessions.json.0123456789ab.nexus-tmp'), '{"half');
  await writeFile(path.join(runs, '.other.json.0123456789ab.nexus-tmp'), '{"other job');

  await writeRunRecord(stateDir, record(), []);

  assert.deepEqual((await readdir(runs)).sort(), [
    '.other.json.0123456789ab.nexus-tmp',
    'main-sessions.json',
  ]);
});

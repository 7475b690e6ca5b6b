import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, test } from 'node:test';

import { scanSessionsFolder } from '../../src/openclaw/find-transcripts.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import {
  HOUR,
  ID_A,
  ID_B,
  SETTLE_MS,
  TS,
  assertAccountedFor,
  place,
  readyNames,
  scan,
  sessionsFolder,
  skippedAs,
  storeReferring,
} from './scan-fixture.js';

describe('candidates that may still be written wait', () => {
  test('a .lock beside a transcript or an archive holds it back', async (t) => {
    const dir = await sessionsFolder(t);
    await storeReferring(dir, {});
    const archive = `${ID_A}.jsonl.reset.${TS}`;
    await place(dir, `${ID_B}.jsonl`, 'x\n');
    await place(dir, `${ID_B}.jsonl.lock`, '{"pid":1}');
    await place(dir, archive, 'x\n');
    await place(dir, `${archive}.lock`, '{"pid":1}');
    await place(dir, `${ID_A}.jsonl.deleted.${TS}`, 'x\n');

    const result = await scan(dir);

    assert.deepEqual(readyNames(result), [`${ID_A}.jsonl.deleted.${TS}`]);
    assert.deepEqual(
      result.waiting.map(({ candidate, reason }) => [candidate.name, reason]),
      [
        [archive, `${archive}.lock exists: a writer holds the file`],
        [`${ID_B}.jsonl`, `${ID_B}.jsonl.lock exists: a writer holds the file`],
      ],
    );
    assert.equal(skippedAs(result, `${archive}.lock`).category, 'ignored');
    await assertAccountedFor(dir, result);
  });

  test('a file modified within the settle time waits; one just older is ready', async (t) => {
    const dir = await sessionsFolder(t);
    await storeReferring(dir, {});
    await place(dir, `${ID_A}.jsonl`, 'x\n', SETTLE_MS - 1000);
    await place(dir, `${ID_B}.jsonl`, 'x\n', SETTLE_MS);
    await place(dir, `${ID_A}.jsonl.deleted.${TS}`, 'x\n', 5000);
    await place(dir, `${ID_B}.jsonl.deleted.${TS}`, 'x\n', -HOUR);

    const result = await scan(dir);

    assert.deepEqual(readyNames(result), [`${ID_B}.jsonl`]);
    const reasons = Object.fromEntries(
      result.waiting.map(({ candidate, reason }) => [candidate.name, reason]),
    );
    assert.deepEqual(reasons, {
      [`${ID_A}.jsonl`]: 'modified 9 min 59 s ago; waits until unchanged for 10 min',
      [`${ID_A}.jsonl.deleted.${TS}`]: 'modified 5 s ago; waits until unchanged for 10 min',
      [`${ID_B}.jsonl.deleted.${TS}`]:
        'modified 60 min in the future (clock change?); waits until unchanged for 10 min',
    });
  });

  test('a file written just now waits by the real clock', async (t) => {
    const dir = await sessionsFolder(t);
    await storeReferring(dir, {});
    await writeFile(path.join(dir, `${ID_A}.jsonl.reset.${TS}`), 'fresh\n');

    const result = await scanSessionsFolder(dir, { settleMs: SETTLE_MS });

    assert.deepEqual(readyNames(result), []);
    assert.equal(result.waiting[0]?.candidate.name, `${ID_A}.jsonl.reset.${TS}`);
    assert.match(result.waiting[0]?.reason ?? '', /waits until unchanged/);
  });

  test('a settle time below zero is refused', async (t) => {
    const dir = await sessionsFolder(t);
    await assert.rejects(scanSessionsFolder(dir, { settleMs: -1 }), /settle time/);
  });
});

describe('entries that are not transcripts', () => {
  test('folders, symbolic links and non-UUID names are skipped with their reason', async (t) => {
    const dir = await sessionsFolder(t);
    const elsewhere = await makeTempDir(t, 'openclaw-elsewhere-');
    await storeReferring(dir, {});
    await place(elsewhere, 'real.jsonl', 'x\n');
    await mkdir(path.join(dir, `${ID_A}.jsonl`));
    await mkdir(path.join(dir, `${ID_A}.jsonl.reset.${TS}`));
    await mkdir(path.join(dir, 'cold'));
    await symlink(path.join(elsewhere, 'real.jsonl'), path.join(dir, `${ID_B}.jsonl`));
    const dangling = path.join(dir, `${ID_B}.jsonl.deleted.${TS}`);
    await symlink(path.join(elsewhere, 'gone.jsonl'), dangling);
    await place(dir, 'notes.jsonl', 'x\n');
    await place(dir, `abc.jsonl.reset.${TS}`, 'x\n');
    await place(dir, `${ID_A}.checkpoint.${ID_B}.jsonl`, 'x\n');
    await place(dir, `${ID_A}.trajectory.jsonl`, 'x\n');

    const result = await scan(dir);

    assert.deepEqual(result.ready, []);
    assert.deepEqual(result.waiting, []);
    const categories = Object.fromEntries(
      result.skipped.map(({ name, category }) => [name, category]),
    );
    assert.deepEqual(categories, {
      [`${ID_A}.checkpoint.${ID_B}.jsonl`]: 'ignored',
      [`${ID_A}.jsonl`]: 'not-a-file',
      [`${ID_A}.jsonl.reset.${TS}`]: 'not-a-file',
      [`${ID_A}.trajectory.jsonl`]: 'ignored',
      [`${ID_B}.jsonl`]: 'not-a-file',
      [`${ID_B}.jsonl.deleted.${TS}`]: 'not-a-file',
      [`abc.jsonl.reset.${TS}`]: 'no-session-id',
      cold: 'not-a-file',
      'notes.jsonl': 'no-session-id',
      'sessions.json': 'ignored',
    });
    assert.match(skippedAs(result, `${ID_B}.jsonl`).reason, /symbolic link/);
    assert.match(skippedAs(result, 'cold').reason, /folder/);
  });

  test('a socket named like a transcript is not a regular file', async (t) => {
    const dir = await sessionsFolder(t);
    await storeReferring(dir, {});
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(path.join(dir, `${ID_A}.jsonl`), resolve));
    t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const result = await scan(dir);

    assert.deepEqual(result.ready, []);
    assert.equal(skippedAs(result, `${ID_A}.jsonl`).category, 'not-a-file');
    assert.match(skippedAs(result, `${ID_A}.jsonl`).reason, /not a regular file/);
  });

  test('a file whose name is not UTF-8 is left alone, saying so, under a shown name', async (t) => {
    const dir = await sessionsFolder(t);
    await storeReferring(dir, {});
    const inDir = (...parts: (string | number[])[]) =>
      Buffer.concat([`${dir}/`, ...parts].map((part) => Buffer.from(part)));
    await writeFile(inDir(`${ID_A}-topic-caf`, [0xe9], `.jsonl.reset.${TS}`), 'x\n');
    await mkdir(inDir(`${ID_B}-topic-`, [0xff], `.jsonl.reset.${TS}`));
    await place(dir, `${ID_B}.jsonl.reset.${TS}`, 'x\n');

    const result = await scan(dir);

    assert.deepEqual(readyNames(result), [`${ID_B}.jsonl.reset.${TS}`]);
    const file = skippedAs(result, `${ID_A}-topic-caf\\xe9.jsonl.reset.${TS}`);
    assert.equal(file.category, 'name-not-utf8');
    assert.match(file.reason, /^its name is not valid UTF-8, so it cannot be uploaded under its/);
    const folder = skippedAs(result, `${ID_B}-topic-\\xff.jsonl.reset.${TS}`);
    assert.equal(folder.category, 'not-a-file');
    assert.equal(result.skipped.length, 3, 'sessions.json and the two odd names');
  });
});

import assert from 'node:assert/strict';
import { symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import {
  describeStatError,
  examineEach,
  listFolder,
} from '../../src/openclaw/sessions-folder.js';
import { makeTempDir } from '../helpers/temp-dir.js';

test('a missing folder is an error that names it and the setting to fix', async (t) => {
  const parent = await makeTempDir(t);
  const missing = path.join(parent, 'agents', 'main', 'sessions');

  await assert.rejects(listFolder(missing, 'args[0] of job "main-sessions"'), (error: Error) => {
    assert.equal(
      error.message,
      `OpenClaw sessions folder not found: ${missing}; fix args[0] of job "main-sessions" ` +
        '(OpenClaw keeps it in <state dir>/agents/<agentId>/sessions), or start the agent ' +
        'once so OpenClaw creates it',
    );
    assert.equal((error.cause as NodeJS.ErrnoException).code, 'ENOENT');
    return true;
  });
  await assert.rejects(listFolder(missing), /; fix the sessions path in the job's args \(/);
});

test('a file where the folder should be is an error that says so', async (t) => {
  const parent = await makeTempDir(t);
  const file = path.join(parent, 'sessions');
  await writeFile(file, '');

  await assert.rejects(
    listFolder(file, 'args[0] of job "x"'),
    /sessions is not a folder; fix args\[0\] of job "x": point it at <state dir>\/agents\//,
  );
});

test('a name that is not UTF-8 is listed as such, its stray byte shown as \\xNN', async (t) => {
  const dir = await makeTempDir(t);
  const latin1 = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.jsonl')]);
  await writeFile(Buffer.concat([Buffer.from(`${dir}/`), latin1]), 'x\n');
  await writeFile(path.join(dir, 'café.jsonl'), 'x\n');

  const entries = await listFolder(dir);
  const listed = entries
    .map(({ name, nameIsUtf8, dirent }) => [name, nameIsUtf8, dirent.isFile()])
    .sort();

  assert.deepEqual(listed, [
    ['caf\\xe9.jsonl', false, true],
    ['café.jsonl', true, true],
  ]);
});

test('entries are examined with lstat: a link is a link, a vanished file an error', async (t) => {
  const dir = await makeTempDir(t);
  await writeFile(path.join(dir, 'target.jsonl'), 'twelve bytes');
  await symlink(path.join(dir, 'target.jsonl'), path.join(dir, 'link.jsonl'));
  const entries = [{ name: 'target.jsonl' }, { name: 'link.jsonl' }, { name: 'vanished.jsonl' }];

  const examined = await examineEach(dir, entries);
  const byName = new Map(examined.map((entry) => [entry.name, entry.stat]));

  assert.equal(examined.length, 3);
  const target = byName.get('target.jsonl');
  const link = byName.get('link.jsonl');
  const vanished = byName.get('vanished.jsonl');
  assert.ok(target && !(target instanceof Error) && target.isFile());
  assert.equal(target.size, 12);
  assert.ok(link && !(link instanceof Error) && link.isSymbolicLink());
  assert.ok(vanished instanceof Error);
  assert.match(describeStatError(vanished), /disappeared during the scan/);
});

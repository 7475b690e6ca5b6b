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

test('a missing folder is an error that names it and says what to check', async (t) => {
  const parent = await makeTempDir(t);
  const missing = path.join(parent, 'agents', 'main', 'sessions');

  await assert.rejects(listFolder(missing), (error: Error) => {
    assert.ok(error.message.includes(missing), error.message);
    assert.match(error.message, /does not exist: check the sessions path/);
    assert.equal((error.cause as NodeJS.ErrnoException).code, 'ENOENT');
    return true;
  });
});

test('a file where the folder should be is an error that says so', async (t) => {
  const parent = await makeTempDir(t);
  const file = path.join(parent, 'sessions');
  await writeFile(file, '');

  await assert.rejects(listFolder(file), /sessions is not a folder/);
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

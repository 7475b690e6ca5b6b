import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { API_KEY_CREDENTIAL, readApiKeyCredential } from '../../src/worker/credentials.js';
import { UsageError } from '../../src/worker/errors.js';
import { makeTempDir } from '../helpers/temp-dir.js';

test('no credentials folder means no credential', async () => {
  assert.equal(await readApiKeyCredential({}), undefined);
  assert.equal(await readApiKeyCredential({ CREDENTIALS_DIRECTORY: '' }), undefined);
});

test('the key is read from the credential file, without its trailing newline', async (t) => {
  const dir = await makeTempDir(t);
  await writeFile(path.join(dir, API_KEY_CREDENTIAL), 'k3y-from-systemd\n');

  assert.equal(await readApiKeyCredential({ CREDENTIALS_DIRECTORY: dir }), 'k3y-from-systemd');
});

test('a credentials folder without the key (other credentials only) gives none', async (t) => {
  const dir = await makeTempDir(t);
  await writeFile(path.join(dir, 'some-other-credential'), 'other');

  assert.equal(await readApiKeyCredential({ CREDENTIALS_DIRECTORY: dir }), undefined);
});

test('an empty key file is a usage error naming the file', async (t) => {
  const dir = await makeTempDir(t);
  const file = path.join(dir, API_KEY_CREDENTIAL);
  await writeFile(file, ' \n');

  await assert.rejects(readApiKeyCredential({ CREDENTIALS_DIRECTORY: dir }), (error) => {
    assert.ok(error instanceof UsageError);
    assert.ok(error.message.includes(file), error.message);
    assert.match(error.message, /is empty/);
    return true;
  });
});

test('a key that cannot be read is a usage error naming the file', async (t) => {
  const dir = await makeTempDir(t);
  const file = path.join(dir, API_KEY_CREDENTIAL);
  await mkdir(file);

  await assert.rejects(readApiKeyCredential({ CREDENTIALS_DIRECTORY: dir }), (error) => {
    assert.ok(error instanceof UsageError);
    assert.ok(error.message.includes(`Credential ${file} cannot be read`), error.message);
    return true;
  });
});

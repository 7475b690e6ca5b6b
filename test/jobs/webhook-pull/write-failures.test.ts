import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { inboxFileNames } from '../../../src/jobs/webhook-pull/inbox-file-name.js';
import { startLocalNexus, type TestNexus } from '../../helpers/local-nexus.js';
import { LEDGER_FILE, listInbox, setUpJob } from './job-setup.js';

let nexus: TestNexus;
before(async () => {
  nexus = await startLocalNexus();
});
after(() => nexus.close());

test('an item whose every name is taken is reported and left pending; others go on', async (t) => {
  const agentId = 'blocked';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  const blocked = await nexus.addWebhookItem(agentId, 'putio', { n: 1 });
  const fine = await nexus.addWebhookItem(agentId, 'putio', { n: 2 });
  const [plainName, hashedName] = inboxFileNames('putio', blocked) as [string, string];
  await mkdir(path.join(job.inbox, plainName), { recursive: true });
  await symlink('/etc/hostname', path.join(job.inbox, hashedName));

  const { cli, result } = await job.run();

  assert.equal(cli.code, 1, cli.stderr);
  assert.equal(result.success, false);
  assert.equal(result.itemsProcessed, 1);
  assert.equal(result.message, `Delivered 1 webhook item to ${agentId}, 1 failed`);
  assert.equal(result.errors.length, 1);
  assert.match(result.errors[0] ?? '', new RegExp(`^item "${blocked}" from "putio": every name`));
  assert.match(result.errors[0] ?? '', /left pending on Nexus$/);
  const expected = [plainName, `putio_${fine}.json`, hashedName].sort();
  assert.deepEqual(await listInbox(job.inbox), expected);
  assert.ok((await stat(path.join(job.inbox, plainName))).isDirectory(), 'the folder is untouched');
  assert.deepEqual(nexus.pendingItems(agentId).map((item) => item.id), [blocked]);
});

test('a folder in the way is left alone; the item gets its hashed name instead', async (t) => {
  const agentId = 'detour';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  const id = await nexus.addWebhookItem(agentId, 'putio', {});
  const [plainName, hashedName] = inboxFileNames('putio', id) as [string, string];
  await mkdir(path.join(job.inbox, plainName), { recursive: true });

  const { cli, result } = await job.run();

  assert.equal(result.itemsProcessed, 1, cli.stderr);
  assert.equal(result.success, true);
  assert.deepEqual(await listInbox(job.inbox), [plainName, hashedName].sort());
  assert.deepEqual(await readdir(path.join(job.inbox, plainName)), []);
  assert.deepEqual(nexus.pendingItems(agentId), []);
});

test('a ledger that cannot be read stops the run before anything is written', async (t) => {
  const agentId = 'no-ledger';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  await nexus.addWebhookItem(agentId, 'putio', {});
  await mkdir(path.join(job.stateDir, LEDGER_FILE), { recursive: true });

  const { cli, result } = await job.run();

  assert.equal(cli.code, 1, cli.stderr);
  assert.equal(result.success, false);
  assert.match(result.message, /cannot read the delivery ledger .*delivered-webhook-items\.json/);
  await assert.rejects(stat(job.inbox), { code: 'ENOENT' });
  assert.equal(nexus.pendingItems(agentId).length, 1);
});

const isRoot = process.getuid?.() === 0;

test('a read-only inbox fails each item, leaves nothing behind, and a later run delivers', {
  skip: isRoot ? 'root writes into read-only folders' : false,
}, async (t) => {
  const agentId = 'read-only';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  await nexus.addWebhookItem(agentId, 'putio', { n: 1 });
  await nexus.addWebhookItem(agentId, 'github', { n: 2 });
  await mkdir(job.inbox, { recursive: true });
  await chmod(job.inbox, 0o500);

  let first;
  try {
    first = await job.run();
  } finally {
    // Writable again either way, so the temp folder can be removed.
    await chmod(job.inbox, 0o700);
  }

  assert.equal(first.result.success, false);
  assert.equal(first.result.itemsProcessed, 0);
  assert.equal(first.result.errors.length, 2);
  assert.match(first.result.errors[0] ?? '', /cannot write it to .*EACCES/);
  assert.deepEqual(await listInbox(job.inbox), []);
  assert.equal(nexus.pendingItems(agentId).length, 2);

  const second = await job.run();
  assert.equal(second.result.itemsProcessed, 2, second.cli.stderr);
  assert.deepEqual(nexus.pendingItems(agentId), []);
});

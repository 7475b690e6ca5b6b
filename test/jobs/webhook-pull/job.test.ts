import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startLocalNexus, type TestNexus } from '../../helpers/local-nexus.js';
import { listInbox, readItemFile, readLedger, setUpJob } from './job-setup.js';

let nexus: TestNexus;
before(async () => {
  nexus = await startLocalNexus();
});
after(() => nexus.close());

const mode = async (file: string) => (await stat(file)).mode & 0o777;

test('no pending items: the inbox is made (0700) and stays empty', async (t) => {
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId: 'idle' });

  const { cli, result } = await job.run();

  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(result.success, true);
  assert.equal(result.itemsProcessed, 0);
  assert.equal(result.message, 'Delivered 0 webhook items to idle');
  assert.match(cli.stderr, /Found 0 pending webhook items/);
  assert.deepEqual(await listInbox(job.inbox), []);
  assert.equal(await mode(job.inbox), 0o700);
});

test('items of several sources are delivered once, then deleted on Nexus', async (t) => {
  const agentId = 'several';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  const putio = await nexus.addWebhookItem(agentId, 'putio', { transfer_id: 12345 });
  const github = await nexus.addWebhookItem(agentId, 'github', { action: 'opened', n: [1, 2] });
  const second = await nexus.addWebhookItem(agentId, 'github', 'just a string');

  const { cli, result } = await job.run();

  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(result, {
    jobId: 'webhooks',
    success: true,
    message: `Delivered 3 webhook items to ${agentId}`,
    itemsProcessed: 3,
    errors: [],
  });
  const expected = [`github_${github}.json`, `github_${second}.json`, `putio_${putio}.json`];
  assert.deepEqual(await listInbox(job.inbox), expected.sort());
  assert.match(cli.stderr, /Found 3 pending webhook items/);
  assert.match(cli.stderr, new RegExp(`Delivered: putio_${putio}\\.json`));
  assert.match(cli.stderr, /Marked 3 items delivered on Nexus/);
  assert.match(cli.stderr, /Job complete: 3 delivered, 0 failed/);
  assert.deepEqual(nexus.pendingItems(agentId), []);

  const file = path.join(job.inbox, `putio_${putio}.json`);
  const item = await readItemFile(file);
  assert.deepEqual(Object.keys(item), ['id', 'source', 'receivedAt', 'payload']);
  assert.equal(item.id, putio);
  assert.equal(item.source, 'putio');
  assert.ok(!Number.isNaN(Date.parse(String(item.receivedAt))), 'receivedAt is a time');
  assert.deepEqual(item.payload, { transfer_id: 12345 });
  assert.match(await readFile(file, 'utf8'), /^\{\n {2}"id": /, 'pretty-printed');
  assert.equal(await mode(file), 0o600);

  const ledger = await readLedger(job.stateDir);
  assert.equal(ledger.version, 1);
  assert.deepEqual(ledger.items.map((record) => record.id).sort(), [putio, github, second].sort());
  const putioRecord = ledger.items.find((record) => record.id === putio);
  assert.equal(putioRecord?.file, file);
  assert.equal(putioRecord?.temp, undefined);

  const again = await job.run();
  assert.equal(again.result.itemsProcessed, 0);
  assert.match(again.cli.stderr, /Found 0 pending webhook items/);
  assert.deepEqual(await listInbox(job.inbox), expected.sort());
});

test('a missing workspace fails the run, is not created, and nothing is deleted', async (t) => {
  const agentId = 'homeless';
  const job = await setUpJob(t, {
    url: nexus.url,
    apiKey: nexus.apiKey,
    agentId,
    noWorkspace: true,
  });
  await nexus.addWebhookItem(agentId, 'putio', {});

  const { cli, result } = await job.run();

  assert.equal(cli.code, 1);
  assert.equal(result.success, false);
  assert.match(result.message, /^Workspace not found: /);
  assert.ok(result.message.includes(job.workspace), result.message);
  assert.match(result.message, /never creates a workspace/);
  await assert.rejects(stat(job.workspace), { code: 'ENOENT' });
  assert.equal(nexus.pendingItems(agentId).length, 1);
});

test('a dry run lists what it would write and changes nothing', async (t) => {
  const agentId = 'dry';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  const id = await nexus.addWebhookItem(agentId, 'putio', { a: 1 });

  const { cli, result } = await job.run(['--dry-run']);

  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(result.message, `Dry run: would deliver 1 webhook item to ${agentId}`);
  assert.equal(result.itemsProcessed, 0);
  assert.match(cli.stderr, new RegExp(`Would deliver: putio_${id}\\.json`));
  assert.match(cli.stderr, /Would create inbox folder/);
  await assert.rejects(stat(path.join(job.workspace, 'inbox')), { code: 'ENOENT' });
  await assert.rejects(stat(job.stateDir), { code: 'ENOENT' });
  assert.equal(nexus.pendingItems(agentId).length, 1);
});

test('with nothing pending, neither a dry run nor a real run speaks of marking', async (t) => {
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId: 'quiet' });

  const dryRun = await job.run(['--dry-run']);
  const realRun = await job.run();

  for (const { cli } of [dryRun, realRun]) {
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stderr, /Found 0 pending webhook items/);
    assert.doesNotMatch(cli.stderr, /delivered on Nexus/);
  }
  assert.equal(dryRun.result.message, 'Dry run: would deliver 0 webhook items to quiet');
});

test('a file already in the inbox is kept as it is, recorded, and marked delivered', async (t) => {
  const agentId = 'known';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  const id = await nexus.addWebhookItem(agentId, 'putio', { a: 1 });
  await mkdir(job.inbox, { recursive: true });
  const file = path.join(job.inbox, `putio_${id}.json`);
  const agentsVersion = JSON.stringify({ id, source: 'putio', note: 'seen by the agent' });
  await writeFile(file, agentsVersion);

  const { cli, result } = await job.run();

  assert.equal(result.itemsProcessed, 0, cli.stderr);
  assert.equal(result.success, true);
  assert.match(cli.stderr, new RegExp(`Already in the inbox: putio_${id}\\.json`));
  assert.equal(await readFile(file, 'utf8'), agentsVersion);
  assert.deepEqual(nexus.pendingItems(agentId), []);
  const ledger = await readLedger(job.stateDir);
  assert.deepEqual(ledger.items.map((record) => record.id), [id]);
});

test('a relative inboxDir is used inside the workspace', async (t) => {
  const agentId = 'custom';
  const job = await setUpJob(t, {
    url: nexus.url,
    apiKey: nexus.apiKey,
    agentId,
    args: [agentId, 'workspace', 'drop/box'],
  });
  const id = await nexus.addWebhookItem(agentId, 'putio', {});

  const { cli, result } = await job.run();

  assert.equal(result.itemsProcessed, 1, cli.stderr);
  assert.deepEqual(await listInbox(path.join(job.workspace, 'drop', 'box')), [`putio_${id}.json`]);
  await assert.rejects(stat(path.join(job.workspace, 'inbox')), { code: 'ENOENT' });
});

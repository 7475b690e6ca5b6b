/**
 * A run killed at each point of a delivery leaves the inbox and the ledger in a known state;
 * these tests lay out each such state by hand and check what the next run makes of it.
 */

import assert from 'node:assert/strict';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { TEMP_SUFFIX } from '../../../src/fs/durable.js';
import { startLocalNexus, type TestNexus } from '../../helpers/local-nexus.js';
import {
  LEDGER_FILE,
  listInbox,
  readItemFile,
  readLedger,
  setUpJob,
  type JobSetup,
  type LedgerItem,
} from './job-setup.js';

let nexus: TestNexus;
before(async () => {
  nexus = await startLocalNexus();
});
after(() => nexus.close());

const DAY_MS = 24 * 60 * 60 * 1000;

async function writeLedger(job: JobSetup, items: LedgerItem[]): Promise<void> {
  await mkdir(job.stateDir, { recursive: true });
  const text = JSON.stringify({ version: 1, items }, null, 2);
  await writeFile(path.join(job.stateDir, LEDGER_FILE), text);
}

async function itemFileText(agentId: string, id: string): Promise<string> {
  const item = nexus.pendingItems(agentId).find((pending) => pending.id === id);
  return `${JSON.stringify(item, null, 2)}\n`;
}

test('killed before the ledger named the temp: the temp goes, the item is written', async (t) => {
  const agentId = 'before-ledger';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  const id = await nexus.addWebhookItem(agentId, 'putio', { n: 1 });
  await mkdir(job.inbox, { recursive: true });
  await writeFile(path.join(job.inbox, `.webhook-item.0123456789ab${TEMP_SUFFIX}`), '{"id":');
  await writeFile(path.join(job.inbox, '.agent-notes'), 'not ours');

  const { cli, result } = await job.run();

  assert.equal(result.itemsProcessed, 1, cli.stderr);
  assert.match(cli.stderr, /Removed 1 temp file left by an interrupted run/);
  assert.deepEqual(await listInbox(job.inbox), ['.agent-notes', `putio_${id}.json`]);
  assert.deepEqual(nexus.pendingItems(agentId), []);
});

test('killed after the ledger named the temp, before the rename: it is renamed', async (t) => {
  const agentId = 'before-rename';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  const id = await nexus.addWebhookItem(agentId, 'putio', { n: 2 });
  const file = path.join(job.inbox, `putio_${id}.json`);
  const temp = path.join(job.inbox, `.webhook-item.a1b2c3d4e5f6${TEMP_SUFFIX}`);
  await mkdir(job.inbox, { recursive: true });
  await writeFile(temp, await itemFileText(agentId, id), { mode: 0o600 });
  const recordedAt = new Date().toISOString();
  await writeLedger(job, [{ id, source: 'putio', file, recordedAt, temp }]);

  const { cli, result } = await job.run();

  assert.equal(result.itemsProcessed, 1, cli.stderr);
  assert.equal(result.success, true);
  assert.match(cli.stderr, /Delivered: putio_.*\(finishing an interrupted run\)/);
  assert.deepEqual(await listInbox(job.inbox), [`putio_${id}.json`]);
  assert.deepEqual((await readItemFile(file)).payload, { n: 2 });
  assert.deepEqual(nexus.pendingItems(agentId), []);
  assert.deepEqual(await readLedger(job.stateDir), {
    version: 1,
    items: [{ id, source: 'putio', file, recordedAt }],
  });
});

test('killed after the rename, and the agent took the file: not written again', async (t) => {
  const agentId = 'after-rename';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  const id = await nexus.addWebhookItem(agentId, 'putio', { n: 3 });
  const file = path.join(job.inbox, `putio_${id}.json`);
  const temp = path.join(job.inbox, `.webhook-item.ffffffffffff${TEMP_SUFFIX}`);
  await mkdir(job.inbox, { recursive: true });
  const recordedAt = new Date().toISOString();
  await writeLedger(job, [{ id, source: 'putio', file, recordedAt, temp }]);

  const { cli, result } = await job.run();

  assert.equal(result.itemsProcessed, 0, cli.stderr);
  assert.match(cli.stderr, /Marked 1 item delivered on Nexus/);
  assert.deepEqual(await listInbox(job.inbox), []);
  assert.deepEqual(nexus.pendingItems(agentId), []);
  assert.equal((await readLedger(job.stateDir)).items[0]?.temp, undefined);
});

test('an expired record is kept while Nexus lists its id, and forgotten after', async (t) => {
  const agentId = 'retention';
  const job = await setUpJob(t, {
    url: nexus.url,
    apiKey: nexus.apiKey,
    agentId,
    options: { ledgerRetentionDays: 30 },
  });
  const listed = await nexus.addWebhookItem(agentId, 'putio', {});
  const old = new Date(Date.now() - 40 * DAY_MS).toISOString();
  const recent = new Date(Date.now() - 20 * DAY_MS).toISOString();
  const file = (id: string) => path.join(job.inbox, `putio_${id}.json`);
  await writeLedger(job, [
    { id: listed, source: 'putio', file: file(listed), recordedAt: old },
    { id: 'gone-old', source: 'putio', file: file('gone-old'), recordedAt: old },
    { id: 'gone-recent', source: 'putio', file: file('gone-recent'), recordedAt: recent },
  ]);

  const { cli, result } = await job.run();

  assert.equal(result.itemsProcessed, 0, cli.stderr);
  assert.deepEqual(await listInbox(job.inbox), [], 'the listed old id is not written again');
  assert.deepEqual(nexus.pendingItems(agentId), []);
  const kept = (await readLedger(job.stateDir)).items.map((record) => record.id);
  assert.deepEqual(kept.sort(), [listed, 'gone-recent'].sort());
});

test('a damaged ledger is reported; files still in the inbox are not written again', async (t) => {
  const agentId = 'damaged';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  const id = await nexus.addWebhookItem(agentId, 'putio', { n: 4 });
  const file = path.join(job.inbox, `putio_${id}.json`);
  await mkdir(job.inbox, { recursive: true });
  await writeFile(file, await itemFileText(agentId, id));
  const before = await stat(file);
  await mkdir(job.stateDir, { recursive: true });
  await writeFile(path.join(job.stateDir, LEDGER_FILE), '{"version": 1, "items": [');

  const { cli, result } = await job.run();

  assert.equal(result.success, true, cli.stderr);
  assert.equal(result.itemsProcessed, 0);
  assert.match(result.message, /delivery ledger ignored: .* is not JSON/);
  assert.equal((await stat(file)).mtimeMs, before.mtimeMs, 'not rewritten');
  assert.deepEqual(nexus.pendingItems(agentId), []);
  const ledger = JSON.parse(await readFile(path.join(job.stateDir, LEDGER_FILE), 'utf8'));
  assert.deepEqual(ledger.items.map((record: LedgerItem) => record.id), [id]);
});

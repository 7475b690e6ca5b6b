import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';

import { startLocalNexus, type TestNexus } from '../../helpers/local-nexus.js';
import { listInbox, readLedger, setUpJob } from './job-setup.js';
import { startNexusProxy, type NexusProxy } from './nexus-proxy.js';

let nexus: TestNexus;
let proxy: NexusProxy;
before(async () => {
  nexus = await startLocalNexus();
  proxy = await startNexusProxy(nexus.url);
});
after(async () => {
  await proxy.close();
  await nexus.close();
});
beforeEach(() => {
  proxy.failDeletes = false;
  proxy.deletes = [];
  proxy.refusedDeletes = 0;
});

test('a failed DELETE is a warning; after the agent took the file, no second copy', async (t) => {
  const agentId = 'flaky';
  const job = await setUpJob(t, { url: proxy.url, apiKey: nexus.apiKey, agentId });
  const id = await nexus.addWebhookItem(agentId, 'putio', { n: 1 });
  const file = `putio_${id}.json`;
  proxy.failDeletes = true;

  const first = await job.run();

  assert.equal(first.cli.code, 0, first.cli.stderr);
  assert.equal(first.result.success, true);
  assert.equal(first.result.itemsProcessed, 1);
  assert.match(first.result.message, /^Delivered 1 webhook item to flaky; could not mark 1 item /);
  const warning = /\[WARNING\].*could not mark 1 item delivered on Nexus .*next run marks it /;
  assert.match(first.cli.stderr, warning);
  assert.ok(proxy.refusedDeletes > 0);
  assert.equal(nexus.pendingItems(agentId).length, 1, 'still pending on Nexus');
  assert.deepEqual(await listInbox(job.inbox), [file]);

  // The agent processes the item and removes its file; Nexus is healthy again.
  await rm(path.join(job.inbox, file));
  proxy.failDeletes = false;

  const second = await job.run();

  assert.equal(second.cli.code, 0, second.cli.stderr);
  assert.equal(second.result.itemsProcessed, 0);
  assert.equal(second.result.message, 'Delivered 0 webhook items to flaky');
  assert.match(second.cli.stderr, /Marked 1 item delivered on Nexus/);
  assert.deepEqual(await listInbox(job.inbox), [], 'not written again');
  assert.deepEqual(proxy.deletes, [[id]]);
  assert.deepEqual(nexus.pendingItems(agentId), []);
});

test('delivered ids are deleted on Nexus in batches of deleteBatchSize', async (t) => {
  const agentId = 'batches';
  const job = await setUpJob(t, {
    url: proxy.url,
    apiKey: nexus.apiKey,
    agentId,
    options: { deleteBatchSize: 2 },
  });
  const ids: string[] = [];
  for (let n = 0; n < 5; n += 1) ids.push(await nexus.addWebhookItem(agentId, 'putio', { n }));

  const { cli, result } = await job.run();

  assert.equal(result.itemsProcessed, 5, cli.stderr);
  assert.deepEqual(proxy.deletes.map((batch) => batch.length), [2, 2, 1]);
  assert.deepEqual(proxy.deletes.flat().sort(), [...ids].sort());
  assert.match(cli.stderr, /Marked 5 items delivered on Nexus/);
  const ledger = await readLedger(job.stateDir);
  assert.deepEqual(ledger.items.map((record) => record.id).sort(), [...ids].sort());
});

import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { startLocalNexus, type TestNexus } from '../../helpers/local-nexus.js';
import { AGENT_ID, listInbox, readItemFile, setUpJob, type JobSetup } from './job-setup.js';
import { startStubNexus } from './stub-nexus.js';

let nexus: TestNexus;
before(async () => {
  nexus = await startLocalNexus();
});
after(() => nexus.close());

/** Every file sits directly in the inbox, visibly, and holds exactly one of the items. */
async function assertDeliveredApart(job: JobSetup, items: Array<{ id: string; source: string }>) {
  const names = await listInbox(job.inbox);
  assert.equal(names.length, items.length, `one file per item: ${JSON.stringify(names)}`);

  const found = new Set<string>();
  for (const name of names) {
    assert.ok(!name.startsWith('.'), `hidden: ${JSON.stringify(name)}`);
    assert.ok(Buffer.byteLength(name) <= 255, `too long: ${name}`);
    const item = await readItemFile(path.join(job.inbox, name));
    found.add(JSON.stringify([item.source, item.id]));
  }
  const sent = items.map(({ source, id }) => JSON.stringify([source, id]));
  assert.deepEqual([...found].sort(), sent.sort());

  // Nothing escaped: the workspace holds the inbox only, the temp root what the setup made.
  assert.deepEqual(await readdir(job.workspace), ['inbox']);
  assert.deepEqual(await readdir(path.join(job.workspace, 'inbox')), ['webhooks']);
  assert.deepEqual((await readdir(job.root)).sort(), ['config.json', 'state', 'workspace']);
}

test('hostile ids and sources all land inside the inbox, under distinct names', async (t) => {
  const agentId = 'hostile';
  const job = await setUpJob(t, { url: nexus.url, apiKey: nexus.apiKey, agentId });
  const items = [
    { source: '../../etc/passwd', id: '../../etc/passwd' },
    { source: 'a/b', id: 'a/b' },
    { source: 'putio', id: '..' },
    { source: 'putio', id: '.' },
    { source: 'putio', id: '.hidden' },
    { source: 'putio', id: 'i'.repeat(300) },
    { source: 'putio', id: 'i'.repeat(301) },
    { source: 'putio', id: '日本語-👋'.repeat(40) },
    { source: 'grüße', id: 'line\nbreak' },
    { source: 'putio', id: 'x/y' },
    { source: 'putio', id: 'x\\y' },
    { source: 'putio', id: 'x_y' },
    { source: 'putio', id: 'x\ny' },
    { source: 'putio', id: 'x\ry' },
    { source: 'put_io', id: 'x' },
    { source: 'put', id: 'io_x' },
    { source: 'putio', id: 'C:\\Windows\\system32' },
  ];
  for (const { source, id } of items) await nexus.addWebhookItem(agentId, source, { id }, id);

  const { cli, result } = await job.run();

  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(result.itemsProcessed, items.length);
  await assertDeliveredApart(job, items);
  assert.deepEqual(nexus.pendingItems(agentId), []);

  const again = await job.run();
  assert.equal(again.result.itemsProcessed, 0);
  assert.equal((await listInbox(job.inbox)).length, items.length);
});

test('sources no URL path can carry ("..", "/", 300 characters) are made safe', async (t) => {
  // Ids are unique on Nexus; the job keys its records by id.
  const items = [
    { source: '..', id: '..' },
    { source: '.', id: '.' },
    { source: '/', id: '/' },
    { source: '\\', id: '\\' },
    { source: '.bashrc', id: 'b' },
    { source: '-rf', id: '-rf' },
    { source: '~', id: '~' },
    { source: 's'.repeat(300), id: 'long-source' },
    { source: 's'.repeat(301), id: 'longer-source' },
  ];
  const stub = await startStubNexus(JSON.stringify({ [AGENT_ID]: items }));
  t.after(() => stub.close());
  const job = await setUpJob(t, { url: stub.url, apiKey: stub.apiKey });

  const { cli, result } = await job.run();

  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(result.itemsProcessed, items.length);
  await assertDeliveredApart(job, items);
  assert.deepEqual(stub.deletes.flat().sort(), items.map((item) => item.id).sort());
});

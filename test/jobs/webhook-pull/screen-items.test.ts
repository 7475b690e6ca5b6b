import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

import { MAX_NESTING_DEPTH } from '../../../src/json/nesting-depth.js';
import { AGENT_ID, listInbox, readItemFile, setUpJob } from './job-setup.js';
import { startStubNexus, type StubNexus } from './stub-nexus.js';

async function stubListing(t: TestContext, items: unknown[]): Promise<StubNexus> {
  const stub = await startStubNexus(listing(items));
  t.after(() => stub.close());
  return stub;
}

function listing(items: unknown[]): string {
  return JSON.stringify({ [AGENT_ID]: items });
}

function nestedText(depth: number): string {
  return `${'['.repeat(depth)}"bottom"${']'.repeat(depth)}`;
}

function linesAt(level: 'WARNING' | 'ERROR', stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.includes(`[${level}]`));
}

test('copies alike under one id are one item: delivered once, deleted once, quietly', async (t) => {
  const copy = { id: 'same-1', source: 'putio', receivedAt: 'x', payload: { a: 1, b: [2] } };
  const reordered = { payload: { b: [2], a: 1 }, receivedAt: 'x', source: 'putio', id: 'same-1' };
  const stub = await stubListing(t, [copy, reordered, copy]);
  const job = await setUpJob(t, { url: stub.url, apiKey: stub.apiKey });

  const { cli, result } = await job.run(['--verbose']);

  assert.equal(cli.code, 0, cli.stderr);
  assert.equal(result.itemsProcessed, 1);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(await listInbox(job.inbox), ['putio_same-1.json']);
  assert.deepEqual(stub.deletes, [['same-1']]);
  assert.deepEqual(linesAt('WARNING', cli.stderr), []);
  assert.match(cli.stderr, /\[DEBUG\] .*"same-1".* 3 copies with the same content/);
});

test('one id with different content stays pending each run until Nexus lists one', async (t) => {
  const first = { id: 'dup-1', source: 'putio', payload: { version: 'first' } };
  const second = { id: 'dup-1', source: 'putio', payload: { version: 'second' } };
  const stub = await stubListing(t, [first, second]);
  const job = await setUpJob(t, { url: stub.url, apiKey: stub.apiKey });
  const file = path.join(job.inbox, 'putio_dup-1.json');

  const run1 = await job.run();

  assert.equal(run1.cli.code, 1, run1.cli.stderr);
  assert.equal(run1.result.itemsProcessed, 1);
  assert.deepEqual((await readItemFile(file)).payload, { version: 'first' });
  assert.equal(run1.result.errors.length, 1);
  assert.match(run1.result.errors[0] ?? '', /^item "dup-1" from "putio": 2 copies with different/);
  assert.equal(linesAt('WARNING', run1.cli.stderr).length, 1);
  assert.deepEqual(stub.deletes, []);

  // The agent has taken the file; the conflict is still reported, and nothing comes again.
  await rm(file);
  const run2 = await job.run();

  assert.equal(run2.result.itemsProcessed, 0);
  assert.equal(run2.result.errors.length, 1);
  assert.deepEqual(await listInbox(job.inbox), []);
  assert.deepEqual(stub.deletes, []);

  // Someone sorted it out on Nexus: the id is deleted, and not written again.
  stub.pendingBody = listing([first]);
  const run3 = await job.run();

  assert.equal(run3.cli.code, 0, run3.cli.stderr);
  assert.equal(run3.result.itemsProcessed, 0);
  assert.deepEqual(await listInbox(job.inbox), []);
  assert.deepEqual(stub.deletes, [['dup-1']]);
});

test('a dry run reports the conflict and would not mark its id', async (t) => {
  const stub = await stubListing(t, [
    { id: 'dup-1', source: 'putio', payload: 1 },
    { id: 'dup-1', source: 'github', payload: 1 },
    { id: 'other', source: 'putio', payload: 1 },
  ]);
  const job = await setUpJob(t, { url: stub.url, apiKey: stub.apiKey });

  const { cli, result } = await job.run(['--dry-run']);

  assert.equal(result.errors.length, 1, cli.stderr);
  assert.match(result.errors[0] ?? '', /^item "dup-1" from "putio": 2 copies with different/);
  assert.match(cli.stderr, /Would deliver: putio_dup-1\.json \(its id would stay pending/);
  assert.match(cli.stderr, /Would mark 1 item delivered on Nexus/);
  assert.deepEqual(stub.deletes, []);
});

test('a payload at the depth limit is delivered; one level more stays pending', async (t) => {
  const atLimit = nestedText(MAX_NESTING_DEPTH);
  const body =
    `{"${AGENT_ID}": [{"id": "at-limit", "source": "putio", "payload": ${atLimit}}, ` +
    `{"id": "too-deep", "source": "putio", "payload": [${atLimit}]}, ` +
    `{"id": "deep-date", "source": "putio", "receivedAt": [${atLimit}], "payload": 1}]}`;
  const stub = await startStubNexus(body);
  t.after(() => stub.close());
  const job = await setUpJob(t, { url: stub.url, apiKey: stub.apiKey });

  const { cli, result } = await job.run();

  assert.equal(cli.code, 1, cli.stderr);
  assert.equal(result.itemsProcessed, 1);
  const delivered = await readItemFile(path.join(job.inbox, 'putio_at-limit.json'));
  assert.deepEqual(delivered.payload, JSON.parse(atLimit));
  assert.deepEqual(await listInbox(job.inbox), ['putio_at-limit.json']);
  assert.deepEqual(result.errors, [
    `item "too-deep" from "putio": its payload is nested more than ${MAX_NESTING_DEPTH} ` +
      'levels deep, too deep to write to a file; delete it on Nexus by hand if it is not ' +
      'wanted; left pending on Nexus',
    `item "deep-date" from "putio": its receivedAt is nested more than ${MAX_NESTING_DEPTH} ` +
      'levels deep, too deep to write to a file; delete it on Nexus by hand if it is not ' +
      'wanted; left pending on Nexus',
  ]);
  assert.deepEqual(stub.deletes, [['at-limit']]);
});

test('an id that also lists an item it cannot deliver is not deleted on Nexus', async (t) => {
  const body =
    `{"${AGENT_ID}": [{"id": "shared", "source": "putio", "payload": 1}, ` +
    `{"id": "shared", "source": "putio", "payload": ${nestedText(5000)}}, ` +
    '{"id": "shared-too", "source": "putio", "payload": 2}, ' +
    '{"id": "shared-too", "source": 7}, ' +
    '{"id": "alone", "source": "putio"}]}';
  const stub = await startStubNexus(body);
  t.after(() => stub.close());
  const job = await setUpJob(t, { url: stub.url, apiKey: stub.apiKey });

  const { cli, result } = await job.run();

  assert.equal(result.itemsProcessed, 3, cli.stderr);
  const names = ['putio_alone.json', 'putio_shared-too.json', 'putio_shared.json'];
  assert.deepEqual(await listInbox(job.inbox), names);
  assert.equal(result.errors.length, 2);
  assert.match(result.errors[0] ?? '', /^item #4 "shared-too": source must be/);
  assert.match(result.errors[1] ?? '', /^item "shared" from "putio": its payload is nested/);
  assert.deepEqual(stub.deletes, [['alone']], 'a DELETE of a shared id takes the other item too');
});

/**
 * What must hold for webhook_pull after any run, faults or not: no item lost, none in two
 * files, nothing deleted on Nexus that is not in the inbox or the ledger. And what a run with the
 * faults gone must do: finish the job without writing any item again.
 */

import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';

import type { TestNexus } from '../../helpers/local-nexus.js';
import { snapshotFolder } from '../../helpers/openclaw-folder.js';
import { noFaults } from './fault-plans.js';
import type { FaultProxy } from './fault-proxy.js';
import type { Rig } from './rig.js';
import {
  AGENT,
  DELETE_BATCH_SIZE,
  MARK,
  PULL,
  type PutItem,
  type WebhookFixture,
  type WebhookRun,
} from './webhook-fixture.js';

export interface ItemWhereabouts {
  /** Ids still pending on Nexus. */
  pending: string[];
  /** Ids with a file in the inbox. */
  inInbox: string[];
  /** Ids the delivery ledger records. */
  inLedger: string[];
}

/**
 * No item is lost: each one is still pending on Nexus or is in the inbox or the ledger (so an
 * item Nexus no longer has was delivered), and every id the worker asked Nexus to delete was in
 * the inbox or the ledger. Each inbox file holds one item exactly, and no item has two files.
 */
export async function assertNoItemLost(
  fixture: WebhookFixture,
  nexus: TestNexus,
  proxy: FaultProxy,
): Promise<ItemWhereabouts> {
  const pending = nexus.pendingItems(AGENT).map((item) => item.id);
  const inInbox = await idsInInbox(fixture);
  const inLedger = await idsInLedger(fixture.stateDir);
  const kept = new Set([...inInbox, ...inLedger]);

  for (const item of fixture.items) {
    const where = pending.includes(item.id) || kept.has(item.id);
    assert.ok(where, `item ${item.id} is gone from Nexus but is in neither the inbox nor ledger`);
  }
  for (const request of proxy.requestsTo(MARK)) {
    if (request.body === undefined) continue;
    const { ids } = JSON.parse(request.body) as { ids: string[] };
    const unknown = ids.filter((id) => !kept.has(id));
    assert.deepEqual(unknown, [], 'the worker asked Nexus to delete items it had not delivered');
  }
  return { pending, inInbox, inLedger };
}

async function idsInInbox(fixture: WebhookFixture): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(fixture.inbox);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }

  const ids: string[] = [];
  for (const name of names) {
    assert.ok(!name.endsWith('.nexus-tmp'), `a temp file was left in the inbox: ${name}`);
    const held = JSON.parse(await readFile(path.join(fixture.inbox, name), 'utf8')) as PutItem;
    const item = fixture.items.find((candidate) => candidate.id === held.id);
    assert.ok(item, `${name} holds an item nobody put on Nexus`);
    assert.equal(held.source, item.source, `${name} holds the wrong source`);
    assert.deepEqual(held.payload, item.payload, `${name} holds the wrong payload`);
    assert.ok(!ids.includes(held.id), `item ${held.id} was delivered into two files`);
    ids.push(held.id);
  }
  return ids;
}

async function idsInLedger(stateDir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path.join(stateDir, 'delivered-webhook-items.json'), 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
  const ledger = JSON.parse(text) as { items: { id: string; temp?: string }[] };
  for (const record of ledger.items) {
    assert.equal(record.temp, undefined, `item ${record.id} was left half delivered`);
  }
  return ledger.items.map((record) => record.id);
}

/** After a clean run: every item in the inbox once, none pending on Nexus, the run a success. */
export async function assertAllDelivered(
  run: WebhookRun,
  fixture: WebhookFixture,
  nexus: TestNexus,
  proxy: FaultProxy,
): Promise<void> {
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.result.success, true, run.stderr);
  const where = await assertNoItemLost(fixture, nexus, proxy);
  assert.deepEqual(where.pending, []);
  const all = fixture.items.map((item) => item.id).sort();
  assert.deepEqual([...where.inInbox].sort(), all);
}

/** A run with the faults gone: the items still pending are delivered or marked, none rewritten. */
export async function assertRecovers(t: TestContext, rig: Rig, fixture: WebhookFixture) {
  const before = await snapshotFolder(fixture.inbox).catch(() => ({}));
  const alreadyIn = Object.keys(before).length;
  rig.proxy.plan = noFaults;
  rig.proxy.onConnect = 'accept';
  const since = rig.proxy.seen.length;

  const run = await fixture.run();

  await assertAllDelivered(run, fixture, rig.nexus, rig.proxy);
  const after = await snapshotFolder(fixture.inbox);
  for (const [name, entry] of Object.entries(before)) {
    assert.deepEqual(after[name], entry, `${name} was written again`);
  }
  assert.equal(run.result.itemsProcessed, fixture.items.length - alreadyIn);
  const pulls = rig.proxy.requestsTo(PULL).filter((seen) => seen.index >= since).length;
  assert.ok(pulls >= 1 && pulls <= fixture.network.retry.retries + 1, `${pulls} pulls`);
  t.diagnostic(`recovery run: ${rig.proxy.seen.length - since} requests in ${run.elapsedMs} ms`);
}

/** The ids of each delete request from `since` on; undefined where its body was never read. */
export function deleteBatches(proxy: FaultProxy, since = 0): (string[] | undefined)[] {
  return proxy
    .requestsTo(MARK)
    .filter((request) => request.index >= since)
    .map((request) => {
      if (request.body === undefined) return undefined;
      return (JSON.parse(request.body) as { ids: string[] }).ids;
    });
}

/** `ids` cut into the delete batches the fixture's config asks for. */
export function inBatches(ids: string[]): string[][] {
  const batches: string[][] = [];
  for (let start = 0; start < ids.length; start += DELETE_BATCH_SIZE) {
    batches.push(ids.slice(start, start + DELETE_BATCH_SIZE));
  }
  return batches;
}

/**
 * webhook_pull when marking items delivered fails: the items are in the inbox and the ledger,
 * one batch takes every attempt and the later ones are not tried, and the next run deletes what
 * is left on Nexus without writing any item again.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { QUICK_NETWORK, assertProxyHealthy, assertRunTimeBounded } from './bounds.js';
import { onRoute } from './fault-plans.js';
import {
  describeFault,
  pass,
  plainText200,
  reachesNexus,
  reset,
  stall,
  type Fault,
} from './faults.js';
import { startRig } from './rig.js';
import { assertNoItemLost, assertRecovers, deleteBatches, inBatches } from './webhook-checks.js';
import { MARK, setUpWebhooks } from './webhook-fixture.js';

const NETWORK = QUICK_NETWORK;
const ATTEMPTS = NETWORK.retry.retries + 1;

/** Only `batch` was sent, at least once and at most once per attempt: no later batch was tried. */
function assertOnlyBatchTried(sent: (string[] | undefined)[], batch: string[] | undefined) {
  assert.ok(sent.length >= 1 && sent.length <= ATTEMPTS, `${sent.length} delete requests`);
  for (const ids of sent) if (ids !== undefined) assert.deepEqual(ids, batch);
}

/** Nexus never saw the delete, Nexus did it but the answer was lost, Nexus never answered. */
const LASTING_DELETE_FAULTS: Fault[] = [reset('after-request'), reset('after-nexus'), stall];

test('marking delivered failing for good: one batch takes every attempt', async (t) => {
  for (const fault of LASTING_DELETE_FAULTS) {
    await t.test(describeFault(fault), async (t) => {
      const rig = await startRig(t);
      const { nexus, proxy } = rig;
      const fixture = await setUpWebhooks(t, { nexus, url: proxy.url, network: NETWORK, items: 6 });
      proxy.plan = onRoute(MARK, () => fault);

      const run = await fixture.run();

      // A failed delete is a warning: the items are delivered, and the next run marks them.
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result.itemsProcessed, 6);
      const note = /could not mark 6 items delivered on Nexus \(.+\); the next run marks them/;
      assert.match(run.result.message, note);
      const batches = inBatches(fixture.items.map((item) => item.id));
      assertOnlyBatchTried(deleteBatches(proxy), batches[0]);
      const where = await assertNoItemLost(fixture, nexus, proxy);
      assert.equal(where.inInbox.length, 6);
      assert.equal(where.inLedger.length, 6);
      assert.equal(where.pending.length, reachesNexus(fault) ? 4 : 6);
      assertRunTimeBounded(proxy, 0, run.elapsedMs, NETWORK, { requests: 2, faulted: 1 });
      assertProxyHealthy(proxy);

      const since = proxy.seen.length;
      await assertRecovers(t, rig, fixture);
      const listed = reachesNexus(fault) ? fixture.items.slice(2) : fixture.items;
      assert.deepEqual(deleteBatches(proxy, since), inBatches(listed.map((item) => item.id)));
    });
  }
});

test('Nexus going down between delete batches: the later batches are not tried', async (t) => {
  const rig = await startRig(t);
  const { nexus, proxy } = rig;
  const fixture = await setUpWebhooks(t, { nexus, url: proxy.url, network: NETWORK, items: 6 });
  proxy.plan = onRoute(MARK, (index) => (index === 0 ? pass : reset('after-request')));

  const run = await fixture.run();

  assert.equal(run.code, 0, run.stderr);
  assert.match(run.result.message, /could not mark 4 items delivered on Nexus/);
  const [first, second] = inBatches(fixture.items.map((item) => item.id));
  const [firstSent, ...laterSent] = deleteBatches(proxy);
  assert.deepEqual(firstSent, first);
  assertOnlyBatchTried(laterSent, second);
  const where = await assertNoItemLost(fixture, nexus, proxy);
  assert.equal(where.pending.length, 4);
  assertRunTimeBounded(proxy, 0, run.elapsedMs, NETWORK, { requests: 3, faulted: 1 });

  await assertRecovers(t, rig, fixture);
});

test('a delete answered 200 that never reached Nexus: the next run deletes again', async (t) => {
  const rig = await startRig(t);
  const { nexus, proxy } = rig;
  const fixture = await setUpWebhooks(t, { nexus, url: proxy.url, network: NETWORK, items: 3 });
  proxy.plan = onRoute(MARK, () => plainText200(false));

  const run = await fixture.run();

  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.result.itemsProcessed, 3);
  const where = await assertNoItemLost(fixture, nexus, proxy);
  assert.equal(where.pending.length, 3, 'Nexus never saw the delete');
  assert.equal(where.inInbox.length, 3);

  await assertRecovers(t, rig, fixture);
});

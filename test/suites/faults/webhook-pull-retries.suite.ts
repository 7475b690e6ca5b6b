/**
 * webhook_pull through passing faults: the pull meets a run of faults before it gets through,
 * and each delete batch meets one, and the run still delivers every item once and marks all of
 * them on Nexus. Should the worker take any fault for an answer, the count of requests shows it.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  QUICK_NETWORK,
  assertAttemptsBounded,
  assertProxyHealthy,
  assertRunTimeBounded,
  type NetworkSettings,
} from './bounds.js';
import { describeSeen } from './fault-proxy.js';
import { onRoute, type FaultChoice } from './fault-plans.js';
import {
  close,
  hangHalfway,
  htmlErrorPage,
  httpError,
  pass,
  plainText200,
  reset,
  slowDrip,
  stall,
  tooManyRequests,
  tooManyRequestsUntil,
  truncate,
} from './faults.js';
import { startRig } from './rig.js';
import { assertAllDelivered, deleteBatches, inBatches } from './webhook-checks.js';
import { MARK, PULL, setUpWebhooks } from './webhook-fixture.js';

/** Faults that a request may meet and still get through on a later attempt. */
const PASSING: FaultChoice[] = [
  reset('on-arrival'),
  close('on-arrival'),
  reset('after-request'),
  reset('after-nexus'),
  close('mid-answer'),
  stall,
  hangHalfway,
  slowDrip,
  truncate,
  httpError(500),
  htmlErrorPage(502),
  httpError(503),
  httpError(504),
  tooManyRequests('1'),
  tooManyRequestsUntil(2),
];

test('the pull gets through after a run of passing faults', async (t) => {
  const halves = [PASSING.slice(0, 8), [...PASSING.slice(8), plainText200(false)]];
  for (const [index, faults] of halves.entries()) {
    await t.test(`faults ${index * 8 + 1} to ${index * 8 + faults.length}`, async (t) => {
      const rig = await startRig(t);
      const { nexus, proxy } = rig;
      const network: NetworkSettings = {
        ...QUICK_NETWORK,
        retry: { ...QUICK_NETWORK.retry, retries: faults.length },
      };
      const fixture = await setUpWebhooks(t, { nexus, url: proxy.url, network, items: 3 });
      proxy.plan = onRoute(PULL, [...faults, pass]);

      const run = await fixture.run();

      await assertAllDelivered(run, fixture, nexus, proxy);
      assert.equal(run.result.itemsProcessed, 3);
      const pulls = proxy.requestsTo(PULL);
      assert.equal(pulls.length, faults.length + 1, describeSeen(pulls));
      assertProxyHealthy(proxy);
      assertRunTimeBounded(proxy, 0, run.elapsedMs, network, {
        requests: 1 + inBatches(fixture.items.map((item) => item.id)).length,
        faulted: 1,
        retryAfterMs: 2000,
      });
    });
  }
});

test('each delete batch gets through after a passing fault', async (t) => {
  const rig = await startRig(t);
  const { nexus, proxy } = rig;
  const network = QUICK_NETWORK;
  const fixture = await setUpWebhooks(t, {
    nexus,
    url: proxy.url,
    network,
    items: PASSING.length * 2,
  });
  proxy.plan = onRoute(MARK, PASSING.flatMap((fault) => [fault, pass]));

  const run = await fixture.run();

  await assertAllDelivered(run, fixture, nexus, proxy);
  const batches = inBatches(fixture.items.map((item) => item.id));
  assert.equal(batches.length, PASSING.length);
  const deletes = proxy.requestsTo(MARK);
  assert.equal(deletes.length, 2 * batches.length, describeSeen(deletes));
  const sent = deleteBatches(proxy);
  for (const [index, batch] of batches.entries()) {
    const attempts = sent.slice(2 * index, 2 * index + 2);
    assert.deepEqual(attempts.at(-1), batch, `batch ${index + 1} got through on its retry`);
    if (attempts[0] !== undefined) assert.deepEqual(attempts[0], batch);
  }
  assertAttemptsBounded(deletes, network.retry.retries);
  assertProxyHealthy(proxy);
  assertRunTimeBounded(proxy, 0, run.elapsedMs, network, {
    requests: 1 + batches.length,
    faulted: batches.length,
    retryAfterMs: 2000,
  });
});

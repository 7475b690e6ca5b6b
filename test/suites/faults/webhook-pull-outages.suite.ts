/**
 * webhook_pull when the pull cannot be had: every attempt and no more, then the run stops
 * before writing or deleting anything, within a bound computed from its settings; a redirect is
 * never followed. The next run with the faults gone delivers every item.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sendJson, startStubServer } from '../../helpers/stub-server.js';
import {
  QUICK_NETWORK,
  assertElapsedBounded,
  assertProxyHealthy,
  assertRunTimeBounded,
} from './bounds.js';
import { describeSeen, type FaultProxy } from './fault-proxy.js';
import { always, onRoute } from './fault-plans.js';
import {
  describeFault,
  plainText200,
  redirect,
  reset,
  stall,
  tooManyRequests,
  truncate,
  type Fault,
} from './faults.js';
import { startRig } from './rig.js';
import { assertNoItemLost, assertRecovers } from './webhook-checks.js';
import { AGENT, MARK, PULL, setUpWebhooks } from './webhook-fixture.js';

const NETWORK = QUICK_NETWORK;
const ATTEMPTS = NETWORK.retry.retries + 1;

/** One of each way a request fails; the retries suite covers every fault within a run. */
const LASTING_PULL_FAULTS: Fault[] = [
  reset('on-arrival'),
  stall,
  truncate,
  plainText200(false),
];

test('the pull failing for good: the run stops and the inbox is untouched', async (t) => {
  for (const fault of LASTING_PULL_FAULTS) {
    await t.test(describeFault(fault), async (t) => {
      const rig = await startRig(t);
      const { nexus, proxy } = rig;
      const fixture = await setUpWebhooks(t, { nexus, url: proxy.url, network: NETWORK, items: 3 });
      proxy.plan = onRoute(PULL, () => fault);

      const run = await fixture.run();

      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.result.success, false);
      const pulls = proxy.requestsTo(PULL);
      assert.ok(pulls.length >= 1 && pulls.length <= ATTEMPTS, describeSeen(pulls));
      assert.equal(proxy.requestsTo(MARK).length, 0);
      const reason = `GET /webhook/pending failed after ${ATTEMPTS} attempts: `;
      assert.ok(run.result.message.startsWith(`Could not fetch pending webhook items: ${reason}`));
      const where = await assertNoItemLost(fixture, nexus, proxy);
      assert.equal(where.pending.length, 3);
      assert.deepEqual([...where.inInbox, ...where.inLedger], []);
      assertRunTimeBounded(proxy, 0, run.elapsedMs, NETWORK, { requests: 1, faulted: 1 });
      assertProxyHealthy(proxy);

      await assertRecovers(t, rig, fixture);
    });
  }
});

test('Nexus cutting every connection, or asking to wait an hour: the run stops', async (t) => {
  const cases: { name: string; arrange: (proxy: FaultProxy) => void; pulls: number }[] = [
    { name: 'close on connect', arrange: (proxy) => (proxy.onConnect = 'close'), pulls: 0 },
    { name: 'reset on connect', arrange: (proxy) => (proxy.onConnect = 'reset'), pulls: 0 },
    {
      name: 'HTTP 429, Retry-After: 3600',
      arrange: (proxy) => (proxy.plan = always(tooManyRequests('3600'))),
      pulls: 1,
    },
  ];
  for (const { name, arrange, pulls } of cases) {
    await t.test(name, async (t) => {
      const rig = await startRig(t);
      const { nexus, proxy } = rig;
      const fixture = await setUpWebhooks(t, { nexus, url: proxy.url, network: NETWORK, items: 3 });
      arrange(proxy);

      const run = await fixture.run();

      assert.equal(run.code, 1, run.stderr);
      assert.match(run.result.message, /^Could not fetch pending webhook items: /);
      assert.equal(proxy.requestsTo(PULL).length, pulls);
      assert.ok(proxy.cutConnections <= ATTEMPTS, `${proxy.cutConnections} connections`);
      const where = await assertNoItemLost(fixture, nexus, proxy);
      assert.equal(where.pending.length, 3);
      assertElapsedBounded(run.elapsedMs, NETWORK, { requests: 1, faulted: 1 });

      await assertRecovers(t, rig, fixture);
    });
  }
});

test('a redirected pull carries the key nowhere and delivers nothing', async (t) => {
  const rig = await startRig(t);
  const { nexus, proxy } = rig;
  const elsewhere = await startStubServer((_request, response) => {
    sendJson(response, 200, { [AGENT]: [{ id: 'planted', source: 'elsewhere', payload: {} }] });
  });
  t.after(() => elsewhere.close());
  const fixture = await setUpWebhooks(t, { nexus, url: proxy.url, network: NETWORK, items: 2 });
  proxy.plan = always(redirect(307, `${elsewhere.url}/webhook/pending?agentId=${AGENT}`));

  const run = await fixture.run();

  assert.deepEqual(elsewhere.requests.map((request) => request.url), []);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(proxy.requestsTo(PULL).length, 1, 'a redirect is not retried');
  const named = `HTTP 307 for /webhook/pending, a redirect to ${elsewhere.url}/webhook/pending,`;
  assert.ok(run.result.message.includes(named), run.result.message);
  const where = await assertNoItemLost(fixture, nexus, proxy);
  assert.equal(where.pending.length, 2);

  await assertRecovers(t, rig, fixture);
});

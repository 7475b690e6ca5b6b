/**
 * session_upload against a Nexus that stays unreachable: the run gives one transcript every
 * attempt and no more, then stops instead of trying the others (no retry storm), archives
 * nothing Nexus does not hold, ends within a bound computed from its settings, and the next run
 * with the faults gone delivers everything.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  QUICK_NETWORK,
  assertElapsedBounded,
  assertAttemptsBounded,
  assertProxyHealthy,
  assertRunTimeBounded,
} from './bounds.js';
import { always, onRoute } from './fault-plans.js';
import {
  describeFault,
  httpError,
  pass,
  plainText200,
  reachesNexus,
  reset,
  stall,
  tooManyRequests,
  truncate,
  type Fault,
} from './faults.js';
import { describeSeen } from './fault-proxy.js';
import { startRig } from './rig.js';
import { assertNoTranscriptLost, assertRecovers, warnings } from './upload-checks.js';
import { AGENT, UPLOAD, fileNameOf, setUpUploads } from './upload-fixture.js';

const NETWORK = QUICK_NETWORK;
const ATTEMPTS = NETWORK.retry.retries + 1;

/** One of each way a request fails; the retries suite covers every fault within a run. */
const LASTING_FAULTS: Fault[] = [
  reset('on-arrival'),
  reset('after-nexus'),
  stall,
  truncate,
  httpError(503),
  plainText200(true),
  tooManyRequests('1'),
];

test('Nexus failing for good: one transcript takes every attempt, the run stops', async (t) => {
  for (const fault of LASTING_FAULTS) {
    await t.test(describeFault(fault), async (t) => {
      const rig = await startRig(t);
      const fixture = await setUpUploads(t, {
        url: rig.proxy.url,
        apiKey: rig.nexus.apiKey,
        network: NETWORK,
        transcripts: 4,
        concurrency: 1,
      });
      rig.proxy.plan = always(fault);
      const [first] = fixture.transcripts;
      assert.ok(first);

      const run = await fixture.run();

      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.result.success, false);
      assert.equal(run.result.itemsProcessed, 0);
      // The worker counts its attempts in the error; the proxy may miss one that timed out early.
      const uploads = rig.proxy.requestsTo(UPLOAD);
      assert.ok(uploads.length >= 1 && uploads.length <= ATTEMPTS, describeSeen(uploads));
      for (const upload of uploads) {
        if (upload.body !== undefined) assert.equal(fileNameOf(upload), first.name);
      }
      const reason = `POST /sessions failed after ${ATTEMPTS} attempts: `;
      assert.equal(run.result.errors.length, 1, run.stderr);
      assert.ok(run.result.errors[0]?.startsWith(`${first.name}: ${reason}`), run.stderr);
      assert.match(run.result.message, /stopped early \(.+\), 3 left for the next run$/);

      const { waiting } = await assertNoTranscriptLost(fixture, rig.nexus);
      assert.equal(waiting.length, 4, 'nothing archived');
      const held = rig.nexus.sessionVersions(AGENT, first.sessionId).length;
      assert.equal(held, reachesNexus(fault) ? 1 : 0);
      const retryAfterMs = fault.kind === 'answer' && fault.status === 429 ? 1000 : 0;
      assertRunTimeBounded(rig.proxy, 0, run.elapsedMs, NETWORK, {
        requests: 1,
        faulted: 1,
        retryAfterMs,
      });
      assertProxyHealthy(rig.proxy);

      const recovery = await assertRecovers(t, rig, fixture);
      const duplicates = warnings(recovery).filter((line) => line.startsWith('Already on'));
      assert.equal(duplicates.length, reachesNexus(fault) ? 1 : 0);
    });
  }
});

test('Nexus cutting every new connection: one transcript tried, a JobResult printed', async (t) => {
  for (const cut of ['close', 'reset'] as const) {
    await t.test(`${cut} on connect`, async (t) => {
      const rig = await startRig(t);
      const fixture = await setUpUploads(t, {
        url: rig.proxy.url,
        apiKey: rig.nexus.apiKey,
        network: NETWORK,
        transcripts: 4,
        concurrency: 1,
      });
      rig.proxy.onConnect = cut;

      const run = await fixture.run();

      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.result.success, false);
      const connections = rig.proxy.cutConnections;
      assert.ok(connections >= 1 && connections <= ATTEMPTS, `${connections} connections`);
      assert.match(run.result.message, /stopped early \(.+\), 3 left for the next run$/);
      const { waiting } = await assertNoTranscriptLost(fixture, rig.nexus);
      assert.equal(waiting.length, 4);
      assertElapsedBounded(run.elapsedMs, NETWORK, { requests: 1, faulted: 1 });

      await assertRecovers(t, rig, fixture);
    });
  }
});

test('Nexus going down mid-run: stored transcripts are archived, the rest wait', async (t) => {
  const rig = await startRig(t);
  const fixture = await setUpUploads(t, {
    url: rig.proxy.url,
    apiKey: rig.nexus.apiKey,
    network: NETWORK,
    transcripts: 6,
    concurrency: 1,
  });
  rig.proxy.plan = onRoute(UPLOAD, (index) => (index < 2 ? pass : reset('after-request')));

  const run = await fixture.run();

  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.result.itemsProcessed, 2);
  const { archived, waiting } = await assertNoTranscriptLost(fixture, rig.nexus);
  const names = fixture.transcripts.map((transcript) => transcript.name);
  assert.deepEqual(archived, names.slice(0, 2));
  assert.deepEqual(waiting, names.slice(2));
  const [stored1, stored2, ...failed] = rig.proxy.requestsTo(UPLOAD).map(fileNameOf);
  assert.deepEqual([stored1, stored2], names.slice(0, 2));
  assert.ok(failed.length >= 1 && failed.length <= ATTEMPTS, `${failed.length} attempts`);
  assert.ok(failed.every((name) => name === names[2]), 'only the third transcript was tried');
  assert.match(run.result.message, /3 left for the next run$/);
  assertRunTimeBounded(rig.proxy, 0, run.elapsedMs, NETWORK, { requests: 3, faulted: 1 });

  await assertRecovers(t, rig, fixture);
});

test('four lanes against a Nexus that is down: one transcript per lane at most', async (t) => {
  const rig = await startRig(t);
  const fixture = await setUpUploads(t, {
    url: rig.proxy.url,
    apiKey: rig.nexus.apiKey,
    network: NETWORK,
    transcripts: 10,
    concurrency: 4,
  });
  rig.proxy.plan = always(reset('after-request'));

  const run = await fixture.run();

  assert.equal(run.code, 1, run.stderr);
  const uploads = rig.proxy.requestsTo(UPLOAD);
  const tried = new Set(uploads.map(fileNameOf));
  const { errors } = run.result;
  assert.ok(errors.length >= 1 && errors.length <= 4, `${errors.length} transcripts failed`);
  assert.ok(tried.size <= errors.length, 'every transcript tried has failed');
  const spent = errors.filter((error) => error.includes(`failed after ${ATTEMPTS} attempts`));
  assert.equal(spent.length, errors.length, 'each failed after every attempt');
  assertAttemptsBounded(uploads, NETWORK.retry.retries);
  const { waiting } = await assertNoTranscriptLost(fixture, rig.nexus);
  assert.equal(waiting.length, 10);
  assertRunTimeBounded(rig.proxy, 0, run.elapsedMs, NETWORK, { requests: 4, faulted: 4 });
  assertProxyHealthy(rig.proxy);

  await assertRecovers(t, rig, fixture);
});

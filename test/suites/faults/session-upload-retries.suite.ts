/**
 * session_upload through passing faults: each transcript meets its own script of faults, one
 * per attempt, and must still be delivered within the run after exactly that many attempts.
 * An answer lost after Nexus stored a transcript must end in 409 on the retry, and an archive.
 */

import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

import {
  QUICK_NETWORK,
  assertAttemptsBounded,
  assertProxyHealthy,
  assertRunTimeBounded,
} from './bounds.js';
import type { SeenRequest } from './fault-proxy.js';
import { onRoute, type FaultChoice } from './fault-plans.js';
import {
  close,
  drip,
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
  type Fault,
} from './faults.js';
import { startRig, type Rig } from './rig.js';
import { assertAllDelivered, warnings } from './upload-checks.js';
import { AGENT, UPLOAD, fileNameOf, setUpUploads } from './upload-fixture.js';

const NETWORK = QUICK_NETWORK;

/** Concurrency 1 keeps the order: the scripts' attempts reach the proxy one after another. */
async function runScripts(t: TestContext, rig: Rig, scripts: FaultChoice[][]) {
  const fixture = await setUpUploads(t, {
    url: rig.proxy.url,
    apiKey: rig.nexus.apiKey,
    network: NETWORK,
    transcripts: scripts.length,
    concurrency: 1,
  });
  rig.proxy.plan = onRoute(UPLOAD, scripts.flat());

  const run = await fixture.run();

  await assertAllDelivered(run, fixture, rig.nexus);
  assert.equal(run.result.itemsProcessed, scripts.length);
  const uploads = rig.proxy.requestsTo(UPLOAD);
  assert.equal(uploads.length, scripts.flat().length, 'one request per scripted attempt');
  let next = 0;
  for (const [index, script] of scripts.entries()) {
    const transcript = fixture.transcripts[index];
    assert.ok(transcript);
    for (const attempt of uploads.slice(next, next + script.length)) {
      if (attempt.body !== undefined) assert.equal(fileNameOf(attempt), transcript.name);
    }
    next += script.length;
    const versions = rig.nexus.sessionVersions(AGENT, transcript.sessionId);
    assert.equal(versions.length, 1, `${transcript.name} is stored once`);
  }
  assertAttemptsBounded(uploads, NETWORK.retry.retries);
  assertProxyHealthy(rig.proxy);
  return { fixture, run, uploads };
}

/** Each attempt after a 429 came no earlier than its Retry-After allowed; answers how many. */
function assertRetryAfterHonoured(uploads: SeenRequest[]): number {
  let checked = 0;
  for (const [index, upload] of uploads.entries()) {
    const value = upload.fault.kind === 'answer' ? upload.fault.headers['retry-after'] : undefined;
    const next = uploads[index + 1];
    if (value === undefined || !next || upload.endedAt === undefined) continue;

    const earliest = /^\d+$/.test(value)
      ? upload.endedAt + Number(value) * 1000
      : Date.parse(value);
    assert.ok(
      next.arrivedAt >= earliest,
      `retried ${earliest - next.arrivedAt} ms before Retry-After: ${value} allowed`,
    );
    checked += 1;
  }
  return checked;
}

test('a passing fault before Nexus stores a transcript is retried within the run', async (t) => {
  const rig = await startRig(t);
  const retried: FaultChoice[] = [
    reset('on-arrival'),
    close('on-arrival'),
    reset('after-request'),
    close('after-request'),
    stall,
    httpError(500),
    htmlErrorPage(502),
    httpError(503),
    httpError(504),
    tooManyRequests('1'),
    tooManyRequestsUntil(2),
    plainText200(false),
  ];
  const scripts = [
    ...retried.map((fault) => [fault, pass]),
    [httpError(503), reset('after-request'), pass],
    [drip(16, 10)],
  ];

  const { run, uploads } = await runScripts(t, rig, scripts);

  assert.deepEqual(warnings(run), [], 'Nexus never had any of them before');
  assert.equal(assertRetryAfterHonoured(uploads), 2);
  assertRunTimeBounded(rig.proxy, 0, run.elapsedMs, NETWORK, {
    requests: scripts.length,
    faulted: scripts.length - 1,
    retryAfterMs: 2000,
  });
});

test('an answer lost after Nexus stored a transcript: 409 on the retry, archived', async (t) => {
  const rig = await startRig(t);
  const lost: Fault[] = [
    reset('after-nexus'),
    close('after-nexus'),
    reset('mid-answer'),
    close('mid-answer'),
    truncate,
    hangHalfway,
    slowDrip,
    plainText200(true),
  ];

  const { fixture, run, uploads } = await runScripts(t, rig, lost.map((fault) => [fault, pass]));

  const statuses = uploads.map((upload) => upload.nexusStatus);
  assert.deepEqual(statuses, lost.flatMap(() => [200, 409]), 'stored, then a duplicate');
  const duplicates = fixture.transcripts.map(
    ({ name }) => `Already on Nexus: ${name} (archiving it)`,
  );
  assert.deepEqual(warnings(run), duplicates);
  assertRunTimeBounded(rig.proxy, 0, run.elapsedMs, NETWORK, {
    requests: lost.length,
    faulted: lost.length,
  });
});

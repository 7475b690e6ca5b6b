/**
 * session_upload meeting answers that end a run at once, without retries: a Retry-After longer
 * than a run waits for, and a redirect. A redirect is never followed, so neither the API key nor
 * a transcript goes wherever it points, and an upload turned into a GET cannot pass for stored.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sendJson, startStubServer } from '../../helpers/stub-server.js';
import { QUICK_NETWORK, assertRunTimeBounded } from './bounds.js';
import { always } from './fault-plans.js';
import { redirect, tooManyRequests } from './faults.js';
import { startRig } from './rig.js';
import { assertNoTranscriptLost, assertRecovers } from './upload-checks.js';
import { UPLOAD, setUpUploads } from './upload-fixture.js';

const NETWORK = QUICK_NETWORK;

test('a Retry-After beyond what a run waits for ends the run at once', async (t) => {
  const rig = await startRig(t);
  const fixture = await setUpUploads(t, {
    url: rig.proxy.url,
    apiKey: rig.nexus.apiKey,
    network: NETWORK,
    transcripts: 3,
    concurrency: 1,
  });
  rig.proxy.plan = always(tooManyRequests('3600'));

  const run = await fixture.run();

  assert.equal(run.code, 1, run.stderr);
  assert.equal(rig.proxy.requestsTo(UPLOAD).length, 1, 'an hour is not waited for');
  const asked = /failed after 1 attempt: HTTP 429; Nexus asked to wait 3600s$/;
  assert.match(run.result.errors[0] ?? '', asked);
  assert.match(run.result.message, /2 left for the next run$/);
  const { waiting } = await assertNoTranscriptLost(fixture, rig.nexus);
  assert.equal(waiting.length, 3);
  assertRunTimeBounded(rig.proxy, 0, run.elapsedMs, NETWORK, { requests: 1, faulted: 1 });

  await assertRecovers(t, rig, fixture);
});

test('a redirect carries neither key nor transcript away, and nothing is archived', async (t) => {
  // 301 turns the POST into a GET; 307 keeps the POST and its body.
  for (const status of [301, 307]) {
    await t.test(`HTTP ${status}`, async (t) => {
      const rig = await startRig(t);
      const elsewhere = await startStubServer((_request, response) => {
        sendJson(response, 200, { status: 'ok', stored: new Date().toISOString() });
      });
      t.after(() => elsewhere.close());
      const fixture = await setUpUploads(t, {
        url: rig.proxy.url,
        apiKey: rig.nexus.apiKey,
        network: NETWORK,
        transcripts: 3,
        concurrency: 1,
      });
      rig.proxy.plan = always(redirect(status, `${elsewhere.url}/sessions`));

      const run = await fixture.run();

      const followed = elsewhere.requests.map((request) => `${request.method} ${request.url}`);
      assert.deepEqual(followed, [], 'nothing may follow the redirect');
      assert.equal(run.code, 1, run.stderr);
      assert.equal(rig.proxy.requestsTo(UPLOAD).length, 1, 'a redirect is not retried');
      const named = `HTTP ${status} for /sessions, a redirect to ${elsewhere.url}/sessions`;
      assert.ok(run.result.errors[0]?.includes(named), run.stderr);
      assert.match(run.result.message, /stopped early \(.+\), 2 left for the next run$/);
      const { waiting } = await assertNoTranscriptLost(fixture, rig.nexus);
      assert.equal(waiting.length, 3);

      await assertRecovers(t, rig, fixture);
    });
  }
});

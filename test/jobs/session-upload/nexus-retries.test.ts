/**
 * Answers worth another attempt (408, 429, 5xx, a 200 that is not JSON): retried within the
 * run, honouring Retry-After; a server that keeps failing stops the run, and the next catches up.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { sendJson } from '../../helpers/stub-server.js';
import { bodyOf, jobAgainstStub, storedAnswer } from './stub-nexus.js';
import {
  AGENT,
  JOB_ID,
  assertLogged,
  assertLoggedMatch,
  folderNames,
} from './upload-job.js';

describe('session_upload retrying passing failures', { concurrency: 4 }, () => {
  test('408, 429, 500, 502, 503 and 504 are retried until the upload goes through', async (t) => {
    const transient = [408, 429, 500, 502, 503, 504];
    const seen = new Map<string, number>();
    const { stub, job, archives } = await jobAgainstStub(t, (request, response) => {
      const { sessionId } = bodyOf(request);
      const attempt = seen.get(sessionId) ?? 0;
      seen.set(sessionId, attempt + 1);
      const status = transient[archives.findIndex((a) => a.sessionId === sessionId)];
      if (attempt > 0 || status === undefined) {
        sendJson(response, 200, storedAnswer(sessionId));
        return;
      }
      // A gateway in front of Nexus answers with a page, not JSON.
      response.writeHead(status, { 'content-type': 'text/html' });
      response.end(`<html><body><h1>${status}</h1></body></html>`);
    }, transient.length);

    const run = await job.run('--verbose');

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 6 sessions for ${AGENT}`,
      itemsProcessed: 6,
      errors: [],
    });
    assert.equal(stub.requests.length, 12);
    assert.deepEqual([...seen.values()], [2, 2, 2, 2, 2, 2]);
    for (const status of transient) {
      assertLogged(run, 'DEBUG', `POST /sessions: HTTP ${status}; retrying (2 left)`);
    }
    assert.deepEqual(await folderNames(job.archiveDir), archives.map((a) => a.name).sort());
  });

  test('a server failing through every retry stops the run; the next run catches up', async (t) => {
    let healthy = false;
    const { stub, job, archives } = await jobAgainstStub(t, (request, response) => {
      if (healthy) sendJson(response, 200, storedAnswer(bodyOf(request).sessionId));
      else sendJson(response, 503, { error: 'warming up' });
    }, 3);
    const [first] = archives;
    assert.ok(first);

    const failing = await job.run();

    const reason = 'POST /sessions failed after 3 attempts: HTTP 503';
    assert.equal(failing.code, 1, failing.stderr);
    assert.deepEqual(failing.result, {
      jobId: JOB_ID,
      success: false,
      message: `Uploaded 0 sessions for ${AGENT}, 1 failed; stopped early (${reason}), ` +
        '2 left for the next run',
      itemsProcessed: 0,
      errors: [`${first.name}: ${reason}`],
    });
    assert.equal(stub.requests.length, 3, 'one file, tried 1 + 2 retries times');
    assert.deepEqual(await folderNames(job.archiveDir), []);

    healthy = true;
    const recovered = await job.run();

    assert.equal(recovered.code, 0, recovered.stderr);
    assert.equal(recovered.result.itemsProcessed, 3);
    assert.equal(stub.requests.length, 6);
    assert.deepEqual(await folderNames(job.archiveDir), archives.map((a) => a.name).sort());
  });

  test('Retry-After is waited for before the next attempt', async (t) => {
    const arrivals: number[] = [];
    const { stub, job, archives } = await jobAgainstStub(t, (request, response, index) => {
      arrivals.push(performance.now());
      if (index === 0) {
        response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'slow down' }));
        return;
      }
      sendJson(response, 200, storedAnswer(bodyOf(request).sessionId));
    }, 1);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.itemsProcessed, 1);
    assert.equal(stub.requests.length, 2);
    const waited = (arrivals[1] ?? 0) - (arrivals[0] ?? 0);
    assert.ok(waited >= 950, `the retry came ${Math.round(waited)} ms after a Retry-After of 1 s`);
    assert.deepEqual(await folderNames(job.archiveDir), archives.map((a) => a.name));
  });

  test('a 200 whose body is not JSON is retried, not taken as stored', async (t) => {
    const { stub, job, archives } = await jobAgainstStub(t, (request, response, index) => {
      if (index === 0) {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html><body>Sign in to continue</body></html>');
        return;
      }
      sendJson(response, 200, storedAnswer(bodyOf(request).sessionId));
    }, 1);

    const run = await job.run('--verbose');

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.success, true);
    assert.equal(run.result.itemsProcessed, 1);
    assert.equal(stub.requests.length, 2);
    assert.equal(stub.requests[0]?.body, stub.requests[1]?.body);
    assertLoggedMatch(run, 'DEBUG', /^POST \/sessions: HTTP 200 with an answer that is not JSON;/);
    assert.deepEqual(await folderNames(job.archiveDir), archives.map((a) => a.name));
  });
});

/**
 * Answers to `POST /sessions` that no well-behaved Nexus gives: huge, endless, null, redirected,
 * mislabelled, compressed, echoing the key. None may archive a file Nexus did not take, hang the
 * run, or put the key anywhere.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';

import { sendJson, startStubServer } from '../../helpers/stub-server.js';
import {
  AGENT,
  assertLogged,
  assertLoggedMatch,
  folderNames,
  readLedger,
  type JobRun,
} from '../../jobs/session-upload/upload-job.js';
import { stubCase, storedBody, type StubCase } from './stub-case.js';

const NO_RETRY = { retries: 0, minDelaySeconds: 0, maxDelaySeconds: 0 };

/** Nothing moved: every archive still in the sessions folder, none in the archive folder. */
async function assertNothingMoved({ job, archives }: StubCase): Promise<void> {
  assert.deepEqual(await folderNames(job.archiveDir), []);
  const names = [...archives.map((archive) => archive.name), 'sessions.json'].sort();
  assert.deepEqual(await folderNames(job.sessionsDir), names);
}

async function assertAllArchived({ job, archives }: StubCase, run: JobRun): Promise<void> {
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.result.itemsProcessed, archives.length);
  const names = archives.map((archive) => archive.name).sort();
  assert.deepEqual(await folderNames(job.archiveDir), names);
  assert.deepEqual(await folderNames(job.sessionsDir), ['sessions.json']);
}

describe('bad input: what Nexus answers to an upload', { concurrency: 4 }, () => {
  test('200 with a 30 MB body: stored, archived, and the run goes on', async (t) => {
    const padding = 'x'.repeat(30 * 1024 * 1024);
    const testCase = await stubCase(t, (request, response) => {
      const body = JSON.parse(storedBody(request.body)) as Record<string, unknown>;
      sendJson(response, 200, { ...body, padding });
    }, 2);

    const run = await testCase.job.run();

    await assertAllArchived(testCase, run);
    assert.equal(testCase.stub.requests.length, 2);
  });

  test('200 whose body never ends: the request times out, the file stays', async (t) => {
    const testCase = await stubCase(t, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"status":"ok","padding":"');
      const drip = setInterval(() => response.write('x'.repeat(1024)), 50);
      response.on('close', () => clearInterval(drip));
    }, 2, { requestTimeoutSeconds: 1, retry: NO_RETRY });

    const started = Date.now();
    const run = await testCase.job.run();

    assert.ok(Date.now() - started < 20_000, 'a body that never ends must not hold the run');
    assert.equal(run.code, 1, run.stderr);
    const [first] = testCase.archives;
    const reason = 'POST /sessions failed after 1 attempt: no answer within 1000 ms';
    assert.deepEqual(run.result.errors, [`${first?.name}: ${reason}`]);
    assertLogged(run, 'ERROR', `Stopping this run: ${reason}`);
    assert.equal(testCase.stub.requests.length, 1, 'Nexus unreachable: the run stops');
    await assertNothingMoved(testCase);
  });

  test('200 with JSON null is not a stored answer: retried, then the file stays', async (t) => {
    const testCase = await stubCase(t, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('null');
    }, 1, { retry: { retries: 1, minDelaySeconds: 0, maxDelaySeconds: 0 } });

    const run = await testCase.job.run();

    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.result.itemsProcessed, 0);
    assert.equal(testCase.stub.requests.length, 2, 'a garbled 200 is tried again');
    assertLoggedMatch(run, 'ERROR', /^Upload failed: .*: POST \/sessions failed after 2 attempts/);
    await assertNothingMoved(testCase);
  });

  for (const status of [301, 307, 308]) {
    test(`${status} redirect: not followed, the key goes nowhere else, run stops`, async (t) => {
      const elsewhere = await startStubServer((_request, response) => sendJson(response, 200, {}));
      t.after(() => elsewhere.close());
      const target = `${elsewhere.url}/sessions`;
      const testCase = await stubCase(t, (_request, response) => {
        response.writeHead(status, { location: `${target}?code=from-the-redirect#frag` }).end();
      }, 3);

      const run = await testCase.job.run();

      const reason = `Nexus answered HTTP ${status} for /sessions, a redirect to ${target}, ` +
        'which the worker does not follow; set url to the address Nexus serves itself';
      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(run.result.errors, [`${testCase.archives[0]?.name}: ${reason}`]);
      assert.match(run.result.message, /stopped early .*, 2 left for the next run$/);
      assertLogged(run, 'ERROR', `Stopping this run: ${reason}`);
      assert.equal(testCase.stub.requests.length, 1);
      assert.equal(elsewhere.requests.length, 0, 'the redirect was followed');
      await assertNothingMoved(testCase);
    });
  }

  test('200 labelled text/html with Nexus JSON as its body: stored (a label only)', async (t) => {
    const testCase = await stubCase(t, (request, response) => {
      response.writeHead(200, { 'content-type': 'text/html; charset=latin1' });
      response.end(storedBody(request.body));
    }, 2);

    const run = await testCase.job.run();

    await assertAllArchived(testCase, run);
  });

  test('200 labelled JSON whose body is an HTML page: retried, then the file stays', async (t) => {
    const testCase = await stubCase(t, (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('<!DOCTYPE html><html><body>Service Unavailable</body></html>');
    }, 2, { retry: { retries: 1, minDelaySeconds: 0, maxDelaySeconds: 0 } });

    const run = await testCase.job.run();

    assert.equal(run.code, 1, run.stderr);
    const reason =
      'POST /sessions failed after 2 attempts: HTTP 200 with an answer that is not JSON';
    assert.deepEqual(run.result.errors, [`${testCase.archives[0]?.name}: ${reason}`]);
    assert.equal(testCase.stub.requests.length, 2);
    await assertNothingMoved(testCase);
  });

  test('a gzip-encoded 200 is decoded and understood', async (t) => {
    const testCase = await stubCase(t, (request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(gzipSync(storedBody(request.body)));
    }, 2);

    const run = await testCase.job.run();

    await assertAllArchived(testCase, run);
  });

  test('a 200 that claims gzip but is not: a garbled answer, the file stays', async (t) => {
    const testCase = await stubCase(t, (request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      response.end(storedBody(request.body));
    }, 1, { retry: NO_RETRY });

    const run = await testCase.job.run();

    assert.equal(run.code, 1, run.stderr);
    const failed = /^Upload failed: .*: POST \/sessions failed after 1 attempt: /;
    assertLoggedMatch(run, 'ERROR', failed);
    await assertNothingMoved(testCase);
  });

  test('a 400 that echoes the key back: masked in log, result and ledger', async (t) => {
    let key = '';
    const testCase = await stubCase(t, (request, response) => {
      key = String(request.headers['x-functions-key']);
      sendJson(response, 400, { error: `bad request (x-functions-key: ${key})` });
    }, 1);

    const run = await testCase.job.run();

    const name = testCase.archives[0]?.name ?? '';
    const reason = 'Nexus refused it: HTTP 400: bad request (x-functions-key: ***)';
    assert.equal(key, testCase.job.apiKey);
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.result.errors, [`${name}: ${reason}; left in place`]);
    assert.equal((await readLedger(testCase.job))?.[name]?.reason, reason);
    await assertNothingMoved(testCase);
  });

  test('a Retry-After of 10^20 seconds is not waited for: the run ends at once', async (t) => {
    const testCase = await stubCase(t, (_request, response) => {
      response.writeHead(503, { 'retry-after': '99999999999999999999' }).end('busy');
    }, 2);

    const started = Date.now();
    const run = await testCase.job.run();

    assert.ok(Date.now() - started < 20_000, 'the run waited on the Retry-After');
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.result.message, /^Uploaded 0 sessions for main, 1 failed; stopped early/);
    assertLoggedMatch(run, 'ERROR', /Nexus asked to wait \d/);
    assert.equal(testCase.stub.requests.length, 1);
    await assertNothingMoved(testCase);
    assert.equal(run.result.message.includes(AGENT), true);
  });
});

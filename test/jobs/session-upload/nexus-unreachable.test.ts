/**
 * A Nexus that hangs, is down, or drops every connection: the run gives up on the first file
 * after its retries and stops early instead of trying every remaining file; nothing is moved.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';

import { startStubServer, unusedPort } from '../../helpers/stub-server.js';
import {
  AGENT,
  JOB_ID,
  assertLogged,
  folderNames,
  logged,
  setUpUploadJob,
  writeArchives,
  type PlacedTranscript,
  type UploadJob,
} from './upload-job.js';

const RETRY = { retries: 2, minDelaySeconds: 0.01, maxDelaySeconds: 0.02 };

async function assertNothingMoved(job: UploadJob, archives: PlacedTranscript[]): Promise<void> {
  assert.deepEqual(await folderNames(job.archiveDir), []);
  assert.deepEqual(
    await folderNames(job.sessionsDir),
    [...archives.map((archive) => archive.name), 'sessions.json'].sort(),
  );
}

test('a server that never answers: each attempt times out, then the run stops', async (t) => {
  const stub = await startStubServer(() => {
    // Reads the request and never answers, like a server stuck behind a load balancer.
  });
  t.after(() => stub.close());
  const job = await setUpUploadJob(t, {
    url: stub.url,
    apiKey: randomBytes(12).toString('hex'),
    options: { concurrency: 1 },
    retry: { retries: 1, minDelaySeconds: 0.01, maxDelaySeconds: 0.02 },
    requestTimeoutSeconds: 0.3,
  });
  const archives = await writeArchives(job.sessionsDir, 3);
  const [first] = archives;
  assert.ok(first);

  const run = await job.run();

  const reason = 'POST /sessions failed after 2 attempts: no answer within 300 ms';
  assert.equal(run.signal, null, 'the worker had to be killed');
  assert.equal(run.code, 1, run.stderr);
  assert.deepEqual(run.result, {
    jobId: JOB_ID,
    success: false,
    message: `Uploaded 0 sessions for ${AGENT}, 1 failed; stopped early (${reason}), ` +
      '2 left for the next run',
    itemsProcessed: 0,
    errors: [`${first.name}: ${reason}`],
  });
  assert.equal(stub.requests.length, 2);
  assertLogged(run, 'ERROR', `Stopping this run: ${reason}`);
  await assertNothingMoved(job, archives);
});

test('a server that is down: the first file fails, the other four are not tried', async (t) => {
  const port = await unusedPort();
  const job = await setUpUploadJob(t, {
    url: `http://127.0.0.1:${port}/api`,
    apiKey: randomBytes(12).toString('hex'),
    options: { concurrency: 1 },
    retry: RETRY,
  });
  const archives = await writeArchives(job.sessionsDir, 5);
  const [first] = archives;
  assert.ok(first);

  const run = await job.run('--verbose');

  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.result.success, false);
  assert.equal(run.result.itemsProcessed, 0);
  assert.equal(run.result.errors.length, 1);
  assert.match(
    run.result.errors[0] ?? '',
    new RegExp(`^${first.name}: POST /sessions failed after 3 attempts: ECONNREFUSED`),
  );
  const stopped = /; stopped early \(.*ECONNREFUSED.*\), 4 left for the next run$/;
  assert.match(run.result.message, stopped);
  const failures = logged(run, 'ERROR').filter((line) => line.startsWith('Upload failed: '));
  assert.equal(failures.length, 1, run.stderr);
  assert.ok(failures[0]?.startsWith(`Upload failed: ${first.name}: `));
  const retrying = /^POST \/sessions: .*; retrying/;
  const retries = logged(run, 'DEBUG').filter((line) => retrying.test(line));
  assert.equal(retries.length, 2, run.stderr);
  await assertNothingMoved(job, archives);
});

test('a server that drops every connection is tried for one file only', async (t) => {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const job = await setUpUploadJob(t, {
    url: `http://127.0.0.1:${port}/api`,
    apiKey: randomBytes(12).toString('hex'),
    options: { concurrency: 1 },
    retry: RETRY,
    // fetch does not always notice the dropped connection; then the attempt times out.
    requestTimeoutSeconds: 0.5,
  });
  const archives = await writeArchives(job.sessionsDir, 5);

  const run = await job.run();

  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.result.success, false);
  assert.equal(connections, 3, 'one file, 1 + 2 retries attempts');
  assert.equal(run.result.errors.length, 1);
  const stopped = /stopped early \(POST \/sessions failed after 3 attempts: .+\), 4 left/;
  assert.match(run.result.message, stopped);
  await assertNothingMoved(job, archives);
});

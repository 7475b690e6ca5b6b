/**
 * A sessions folder that is not there, or not a folder, fails the run with a message that names
 * the setting to fix, as webhook_pull does for its workspace; the worker never creates it.
 */
import assert from 'node:assert/strict';
import { rm, stat, writeFile } from 'node:fs/promises';
import { test } from 'node:test';

import { JOB_ID, folderNames, setUpUploadJob } from './upload-job.js';

// No request is made when the folder is missing; nothing listens on port 9 (discard) anyway.
const unreachable = { url: 'http://127.0.0.1:9/api', apiKey: 'sessions-folder-test-key' };

test('a missing sessions folder fails the run, naming args[0] of the job', async (t) => {
  const job = await setUpUploadJob(t, unreachable);
  await rm(job.sessionsDir, { recursive: true });

  const run = await job.run();

  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.result.success, false);
  const reason =
    `OpenClaw sessions folder not found: ${job.sessionsDir}; fix args[0] of job "${JOB_ID}" ` +
    '(OpenClaw keeps it in <state dir>/agents/<agentId>/sessions), or start the agent once ' +
    'so OpenClaw creates it';
  assert.equal(run.result.message, `Job failed: ${reason}`);
  assert.deepEqual(run.result.errors, [reason]);
  await assert.rejects(stat(job.sessionsDir), { code: 'ENOENT' });
  assert.deepEqual(await folderNames(job.archiveDir), []);
});

test('a file where the sessions folder should be fails the run, naming args[0]', async (t) => {
  const job = await setUpUploadJob(t, unreachable);
  await rm(job.sessionsDir, { recursive: true });
  await writeFile(job.sessionsDir, 'not a folder\n');

  const run = await job.run();

  assert.equal(run.code, 1, run.stderr);
  assert.equal(
    run.result.message,
    `Job failed: OpenClaw sessions folder ${job.sessionsDir} is not a folder; fix args[0] of ` +
      `job "${JOB_ID}": point it at <state dir>/agents/<agentId>/sessions`,
  );
});

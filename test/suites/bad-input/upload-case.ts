/**
 * One session_upload case of the bad-input suite: the job set-up of the session_upload tests,
 * a local Nexus (or a scripted one), and after every run the guard's checks on the state folder.
 */
import assert from 'node:assert/strict';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';

import { startLocalNexus, type TestNexus } from '../../helpers/local-nexus.js';
import { parseLogLines } from '../../helpers/log-lines.js';
import { writeAged, HOUR } from '../../helpers/openclaw-folder.js';
import { parseJobResult, runCli } from '../../helpers/run-cli.js';
import {
  JOB_ID,
  setUpUploadJob,
  type JobRun,
  type UploadJob,
  type UploadJobSettings,
} from '../../jobs/session-upload/upload-job.js';
import { assertKeyNowhere, assertNoKeyIn, assertOwnerOnly, testKey } from './guard.js';

/** Far longer than any case needs: a run still going then has hung, and is killed. */
export const RUN_LIMIT_MS = 30_000;

export interface UploadCase extends UploadJob {
  stateDir: string;
  configPath: string;
}

/**
 * A session_upload job whose every run is bounded in time and followed by the guard's checks:
 * no piece of the key in stdout, stderr or the state folder, which is owner-only.
 */
export async function uploadCase(t: TestContext, settings: UploadJobSettings): Promise<UploadCase> {
  const job = await setUpUploadJob(t, settings);
  const stateDir = path.join(job.root, 'state');
  const configPath = path.join(job.root, 'config.json');

  const run = async (...flags: string[]): Promise<JobRun> => {
    const cli = await runCli(['--config', configPath, '--job', JOB_ID, ...flags], {
      cwd: job.root,
      secrets: [job.apiKey],
      timeoutMs: RUN_LIMIT_MS,
    });
    const hung = `the run hung and was killed after ${RUN_LIMIT_MS} ms:\n${cli.stderr}`;
    assert.equal(cli.signal, null, hung);
    assertNoKeyIn(cli.stdout, job.apiKey, 'stdout');
    assertNoKeyIn(cli.stderr, job.apiKey, 'stderr');
    await assertKeyNowhere(stateDir, job.apiKey);
    await assertOwnerOnly(stateDir);
    return { ...cli, result: parseJobResult(cli), log: parseLogLines(cli.stderr) };
  };
  return { ...job, run, stateDir, configPath };
}

/** A local Nexus for one test, closed when it ends. */
export async function localNexus(t: TestContext): Promise<TestNexus> {
  const nexus = await startLocalNexus({ apiKey: testKey() });
  t.after(() => nexus.close());
  return nexus;
}

/** A session_upload case against its own local Nexus. */
export async function uploadCaseWithNexus(
  t: TestContext,
  settings: Partial<UploadJobSettings> = {},
): Promise<{ nexus: TestNexus; job: UploadCase }> {
  const nexus = await localNexus(t);
  const job = await uploadCase(t, { url: nexus.url, apiKey: nexus.apiKey, ...settings });
  return { nexus, job };
}

/** Writes a file as OpenClaw does (owner-only), settled an hour ago; answers its path. */
export async function writeOwned(
  dir: string,
  name: string,
  content: string | Uint8Array,
  ageMs = HOUR,
): Promise<string> {
  const file = await writeAged(dir, name, content, ageMs);
  await chmod(file, 0o600);
  return file;
}

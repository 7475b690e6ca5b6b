/**
 * A stop signal that lands while a request to Nexus is failing: the run's result and log keep
 * what went wrong before the stop, at WARNING, and the daemon still exits 0.
 */
import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { test } from 'node:test';

import { parseLogLines } from '../helpers/log-lines.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { startStubServer, unusedPort } from '../helpers/stub-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import {
  KEY,
  addTranscript,
  readState,
  sessionsDirOf,
  startStalledNexus,
  writeConfig,
} from '../cli/daemon-setup.js';
import { JOB_ID, setUpJob } from './webhook-pull/job-setup.js';

const NO_ANSWER = 'no answer within 1000 ms';

test('webhook_pull stopped while Nexus does not answer: the result names the timeout',
  async (t) => {
    let arrived: () => void = () => undefined;
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    // Holds every request without an answer, as a Nexus that has stopped responding would.
    const nexus = await startStubServer(() => arrived());
    t.after(() => nexus.close());
    const job = await setUpJob(t, { url: nexus.url, apiKey: KEY });
    const config = JSON.parse(await readFile(job.configPath, 'utf8'));
    config.requestTimeoutSeconds = 1;
    config.retry = { retries: 3, minDelaySeconds: 0, maxDelaySeconds: 0 };
    await writeFile(job.configPath, JSON.stringify(config));

    const daemon = spawnCli(t, ['--config', job.configPath], { secrets: [KEY] });
    await requestArrived;
    daemon.child.kill('SIGTERM');
    const run = await daemon.exited();

    assert.equal(run.code, 0, run.stderr);
    const reason =
      `Could not fetch pending webhook items: GET /webhook/pending failed after 1 attempt: ` +
      `${NO_ANSWER}; stopped by shutdown`;
    const lines = parseLogLines(run.stderr);
    assert.deepEqual(
      lines.filter((line) => line.level === 'WARNING' || line.level === 'ERROR'),
      [{ level: 'WARNING', context: JOB_ID, message: reason }],
    );
    assert.equal(nexus.requests.length, 1, 'no attempt after the stop');

    const state = await readState(job.root, JOB_ID);
    assert.equal(state.result.success, false);
    assert.equal(state.result.message, reason);
  },
);

test('session_upload stopped while Nexus does not answer: the result names the timeout',
  async (t) => {
    const nexus = await startStalledNexus(t);
    const dir = await makeTempDir(t);
    const job = { id: 'main-sessions' };
    const config = await writeConfig(dir, [job], {
      url: nexus.url,
      requestTimeoutSeconds: 1,
      retry: { retries: 3, minDelaySeconds: 0, maxDelaySeconds: 0 },
    });
    const transcript = await addTranscript(sessionsDirOf(dir, job));

    const daemon = spawnCli(t, ['--config', config], { secrets: [KEY] });
    await nexus.uploadArrived;
    daemon.child.kill('SIGTERM');
    const run = await daemon.exited();

    assert.equal(run.code, 0, run.stderr);
    const reason = `POST /sessions failed after 1 attempt: ${NO_ANSWER}; stopped by shutdown`;
    const lines = parseLogLines(run.stderr);
    assert.deepEqual(
      lines.filter((line) => line.level === 'WARNING' || line.level === 'ERROR'),
      [
        {
          level: 'WARNING',
          context: job.id,
          message: `Upload stopped: ${transcript}: ${reason}; left for the next run`,
        },
      ],
    );
    const left = await readdir(sessionsDirOf(dir, job));
    assert.deepEqual(left.sort(), ['archive', transcript].sort());

    const state = await readState(dir, job.id);
    assert.equal(state.result.success, false);
    assert.equal(
      state.result.message,
      `Uploaded 0 sessions for main; stopped early (${reason}), 1 left for the next run; ` +
        'plain transcripts left alone: sessions.json not found',
    );
  },
);

test('webhook_pull stopped between attempts at a Nexus that is down: ECONNREFUSED is kept',
  async (t) => {
    const port = await unusedPort();
    const job = await setUpJob(t, { url: `http://127.0.0.1:${port}/api`, apiKey: KEY });
    const config = JSON.parse(await readFile(job.configPath, 'utf8'));
    config.retry = { retries: 3, minDelaySeconds: 1, maxDelaySeconds: 1 };
    await writeFile(job.configPath, JSON.stringify(config));

    const daemon = spawnCli(t, ['--config', job.configPath, '--verbose'], { secrets: [KEY] });
    await daemon.waitForStderr((text) => text.includes('retrying (3 left)'), 'the first retry');
    daemon.child.kill('SIGTERM');
    const run = await daemon.exited();

    assert.equal(run.code, 0, run.stderr);
    const reason = new RegExp(
      '^Could not fetch pending webhook items: GET /webhook/pending failed after 1 attempt: ' +
        `ECONNREFUSED .*${port}.*; stopped by shutdown$`,
    );
    const lines = parseLogLines(run.stderr);
    const warnings = lines.filter((line) => line.level === 'WARNING' || line.level === 'ERROR');
    assert.equal(warnings.length, 1, run.stderr);
    assert.equal(warnings[0]?.level, 'WARNING');
    assert.match(warnings[0]?.message ?? '', reason);
    const state = await readState(job.root, JOB_ID);
    assert.match(state.result.message, reason);
  },
);

import assert from 'node:assert/strict';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { startLocalNexus } from '../helpers/local-nexus.js';
import { runCli } from '../helpers/run-cli.js';
import { countLines, spawnCli } from '../helpers/spawn-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import {
  KEY,
  addTranscript,
  archiveDirOf,
  listFiles,
  readState,
  sessionsDirOf,
  writeConfig,
  writeState,
} from './daemon-setup.js';

function runEnded(jobId: string): RegExp {
  return new RegExp(`\\[${jobId}\\] Run ended after`);
}

/** Checks from the log that no run started before the one before it had ended. */
function assertRunsNeverOverlap(stderr: string): void {
  let running: string | undefined;
  for (const line of stderr.split('\n')) {
    const started = /\[INFO\] \[([\w-]+)\] Running job$/.exec(line);
    const ended = /\[DEBUG\] \[([\w-]+)\] Run ended after/.exec(line);
    if (started) {
      assert.equal(running, undefined, `${started[1]} started while ${running} was running`);
      running = started[1];
    }
    if (ended) {
      assert.equal(ended[1], running);
      running = undefined;
    }
  }
}

test('the daemon runs two jobs on their intervals, one at a time, past a job that throws',
  async (t) => {
    const nexus = await startLocalNexus({ apiKey: KEY });
    t.after(() => nexus.close());
    const dir = await makeTempDir(t);
    const uploads = { id: 'uploads', intervalMinutes: 2 };
    const broken = { id: 'broken', intervalMinutes: 2, sessionsDir: 'config.json' };
    const config = await writeConfig(dir, [uploads, broken], { url: nexus.url });
    const transcript = await addTranscript(sessionsDirOf(dir, uploads));

    const daemon = spawnCli(t, ['--config', config, '--verbose'], {
      env: { NEXUS_WORKER_MINUTE_MS: '200' },
      secrets: [KEY],
    });
    await daemon.waitForStderr(
      (text) => ['uploads', 'broken'].every((id) => countLines(text, runEnded(id)) >= 3),
      'three runs of each job',
    );
    daemon.child.kill('SIGTERM');
    const run = await daemon.exited();

    assert.equal(run.code, 0, run.stderr);
    const lines = run.stderr.split('\n');
    assert.match(lines[0] ?? '', /^\S+ \[INFO\] \[scheduler\] Starting Nexus Worker$/);
    assert.match(run.stderr, /\[WARNING\] \[scheduler\] NEXUS_WORKER_MINUTE_MS is set: .* 200 ms/);
    assert.match(run.stderr, /\[INFO\] \[scheduler\] Loaded 2 jobs\n/);
    assert.match(run.stderr, /\[INFO\] \[scheduler\] Next check in 0\.[12]s\n/);
    assert.match(run.stderr, /\[INFO\] \[scheduler\] Stopped\n$/);
    assertRunsNeverOverlap(run.stderr);

    // The job that throws is logged with its stack, marked as run, and run again on schedule.
    assert.match(run.stderr, /\[ERROR\] \[broken\] Job failed: OpenClaw sessions folder .* not a/);
    assert.match(run.stderr, /\[DEBUG\] \[broken\] Error: OpenClaw sessions folder .*\\n {4}at /);
    const brokenState = await readState(dir, 'broken');
    assert.equal(brokenState.result.success, false);
    assert.match(brokenState.result.message, /^Job failed: /);

    // The transcript went up once and was archived, however often the job ran.
    assert.equal(nexus.sessions('main').length, 1);
    assert.deepEqual(await readdir(archiveDirOf(dir, uploads)), [transcript]);
    const uploadsState = await readState(dir, 'uploads');
    assert.equal(uploadsState.result.success, true);

    const stateFiles = await listFiles(path.join(dir, 'state'));
    assert.ok(stateFiles.every(({ mode }) => mode === 0o600), JSON.stringify(stateFiles));
    assert.ok(stateFiles.every(({ file }) => !file.startsWith('locks')), 'locks left behind');
    assert.equal((await stat(path.join(dir, 'state', 'runs'))).mode & 0o777, 0o700);
    for (const { file } of stateFiles) {
      assert.ok(!(await readFile(path.join(dir, 'state', file), 'utf8')).includes(KEY));
    }
  },
);

test('a restarted daemon runs only the jobs whose interval has passed', async (t) => {
  const dir = await makeTempDir(t);
  const jobs = ['recent', 'overdue', 'future'].map((id) => ({ id, intervalMinutes: 1000 }));
  const config = await writeConfig(dir, jobs);
  const first = await runCli(['--config', config, '--once'], { secrets: [KEY] });
  assert.equal(first.code, 0, first.stderr);

  const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
  await writeState(dir, { ...(await readState(dir, 'overdue')), startedAt: hourAgo });
  // A last run in the future: the clock was set back since. It counts as a run just now.
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  await writeState(dir, { ...(await readState(dir, 'future')), startedAt: tomorrow });

  const daemon = spawnCli(t, ['--config', config], {
    env: { NEXUS_WORKER_MINUTE_MS: '200' },
    secrets: [KEY],
  });
  await daemon.waitForStderr((text) => text.includes('Next check in'), 'the first sleep');
  daemon.child.kill('SIGTERM');
  const run = await daemon.exited();

  assert.equal(run.code, 0, run.stderr);
  assert.equal(countLines(run.stderr, /\[overdue\] Running job/), 1);
  assert.equal(countLines(run.stderr, /\[recent\] Running job/), 0);
  assert.equal(countLines(run.stderr, /\[future\] Running job/), 0);
  assert.ok(Date.parse((await readState(dir, 'overdue')).startedAt) > Date.parse(hourAgo));
});

test('a daemon that runs its job many times leaves nothing behind on the shutdown signal',
  async (t) => {
    const nexus = await startLocalNexus({ apiKey: KEY });
    t.after(() => nexus.close());
    const dir = await makeTempDir(t);
    const config = await writeConfig(dir, [{ id: 'often', intervalMinutes: 1 }], {
      url: nexus.url,
    });

    const daemon = spawnCli(t, ['--config', config, '--verbose'], {
      env: { NEXUS_WORKER_MINUTE_MS: '20' },
      secrets: [KEY],
    });
    // Node warns once 11 listeners sit on one signal: 15 runs would pass that if each left one.
    await daemon.waitForStderr((text) => countLines(text, runEnded('often')) >= 15, '15 runs');
    daemon.child.kill('SIGTERM');
    const run = await daemon.exited();

    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /MaxListenersExceededWarning|memory leak/);
  },
);

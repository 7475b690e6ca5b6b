import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { formatTimestamp } from '../../src/worker/logger.js';
import { startLocalNexus } from '../helpers/local-nexus.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { addTranscript, startStalledNexus } from './daemon-setup.js';
import {
  MINUTE,
  OPS_KEY,
  SESSIONS_JOB,
  WEBHOOK_AGENT,
  WEBHOOK_JOB,
  writeOpsConfig,
  writeRunRecord,
} from './ops-setup.js';

const NO_NEXUS = 'http://127.0.0.1:9/api';
const TIME = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d';

interface StatusJson {
  ok: boolean;
  problems: string[];
  worker: { running: boolean | null; role?: string; pid?: number; since?: string };
  jobs: {
    id: string;
    lastRun: Record<string, unknown> | null;
    nextRunAt: string | null;
    dueNow: boolean;
    overdue: boolean;
    running: { role: string; pid: number; since: string } | null;
    problems: string[];
  }[];
}

function parseStatus(run: CliRun): StatusJson {
  assert.equal(run.stderr, '', 'status --json logs nothing when all is readable');
  return JSON.parse(run.stdout) as StatusJson;
}

function rowOf(stdout: string, jobId: string): string {
  const row = stdout.split('\n').find((line) => line.startsWith(`${jobId} `));
  assert.ok(row, `no row for ${jobId} in:\n${stdout}`);
  return row;
}

test('before any run every job is due now and all is well; status creates nothing', async (t) => {
  const dir = await makeTempDir(t);
  const { config, stateDir } = await writeOpsConfig(dir, { url: NO_NEXUS });

  const run = await runCli(['status', '--config', config]);

  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const lines = run.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 4), [
    `Config: ${config}`,
    `State:  ${stateDir}`,
    'Worker: not running',
    '',
  ]);
  const heading = lines[4] ?? '';
  assert.match(heading, /^JOB +LAST RUN +RESULT +ITEMS +NEXT RUN$/);
  for (const jobId of [SESSIONS_JOB, WEBHOOK_JOB]) {
    const row = rowOf(run.stdout, jobId);
    assert.match(row, /^\S+ +never run +- +- +due now$/);
    assert.equal(row.indexOf('never run'), heading.indexOf('LAST RUN'), 'columns line up');
    assert.equal(row.indexOf('due now'), heading.indexOf('NEXT RUN'), 'columns line up');
  }
  assert.match(run.stdout, /\n\nAll jobs are fine\.\n$/);
  await assert.rejects(stat(stateDir), { code: 'ENOENT' });
});

test('after real runs: each result, its message and next run; a failed run exits 1', async (t) => {
  const nexus = await startLocalNexus({ apiKey: OPS_KEY });
  t.after(() => nexus.close());
  const dir = await makeTempDir(t);
  const folders = await writeOpsConfig(dir, {
    url: nexus.url,
    webhookJob: { args: [WEBHOOK_AGENT, 'no-such-workspace'] },
  });
  await addTranscript(folders.sessionsDir);
  assert.equal((await runCli(['--once', '--config', folders.config])).code, 1);

  const [table, json] = await Promise.all([
    runCli(['status', '--config', folders.config]),
    runCli(['status', '--json', '--config', folders.config]),
  ]);

  assert.equal(table.code, 1, table.stderr);
  assert.equal(json.code, 1, json.stderr);
  const saved = await Promise.all(
    [SESSIONS_JOB, WEBHOOK_JOB].map(async (jobId) => {
      const file = path.join(folders.stateDir, 'runs', `${jobId}.json`);
      return JSON.parse(await readFile(file, 'utf8'));
    }),
  );
  const [uploads, pulls] = saved.map((record) => new Date(record.startedAt));
  const after = (start: Date | undefined, minutes: number) =>
    new Date((start?.getTime() ?? 0) + minutes * MINUTE);

  assert.match(
    rowOf(table.stdout, SESSIONS_JOB),
    new RegExp(
      `^main-sessions +${formatTimestamp(uploads!)} \\((\\d+s|under 1s) ago\\) +ok +1 +` +
        `${formatTimestamp(after(uploads, 60))} \\(in 59m( \\d+s)?\\)$`,
    ),
  );
  assert.match(table.stdout, /^ +Uploaded 1 session for main.* \(took (under 1s|\d+s)\)$/m);
  assert.match(rowOf(table.stdout, WEBHOOK_JOB), / failed +0 +\S+ \(in 14m( \d+s)?\)$/);
  assert.match(table.stdout, /^ +Workspace not found: .*no-such-workspace; fix args\[1\]/m);
  assert.match(
    table.stdout,
    new RegExp(
      `\\n1 problem:\\n  inbox: its last run \\(${formatTimestamp(pulls!)}\\) failed; ` +
        "see its message and the worker's log\\n$",
    ),
  );

  const status = parseStatus(json);
  assert.equal(status.ok, false);
  assert.equal(status.problems.length, 1);
  assert.deepEqual(status.worker, { running: false });
  const [uploadJob, pullJob] = status.jobs;
  assert.deepEqual(uploadJob?.lastRun, {
    startedAt: saved[0].startedAt,
    finishedAt: saved[0].finishedAt,
    success: true,
    message: saved[0].result.message,
    itemsProcessed: 1,
    errors: [],
  });
  assert.equal(uploadJob?.nextRunAt, after(uploads, 60).toISOString());
  const { dueNow, overdue, running } = uploadJob ?? {};
  assert.deepEqual([dueNow, overdue, running], [false, false, null]);
  assert.equal(pullJob?.lastRun?.success, false);
  assert.deepEqual(pullJob?.problems, [status.problems[0]?.replace(/^inbox: /, '')]);
});

test('a job overdue by more than an interval and the margin exits 1 and says why', async (t) => {
  const dir = await makeTempDir(t);
  const { config, stateDir } = await writeOpsConfig(dir, { url: NO_NEXUS });
  const now = Date.now();
  // Every 60 minutes, last run 90 minutes ago: 30 minutes late, but within an interval.
  await writeRunRecord(stateDir, SESSIONS_JOB, new Date(now - 90 * MINUTE), {
    success: true,
    message: 'Uploaded 0 sessions for main',
  });
  // Every 15 minutes, 22 minutes late: past one interval plus the 5 minute margin.
  await writeRunRecord(stateDir, WEBHOOK_JOB, new Date(now - (15 + 22) * MINUTE), {
    success: true,
    message: 'Delivered 0 webhook items to flickclaw',
  });

  const [run, json] = await Promise.all([
    runCli(['status', '--config', config]),
    runCli(['status', '--json', '--config', config]),
  ]);

  assert.equal(run.code, 1, run.stderr);
  assert.match(rowOf(run.stdout, SESSIONS_JOB), / ok +0 +due now \(for 30m( \d+s)?\)$/);
  assert.match(rowOf(run.stdout, WEBHOOK_JOB), / ok +0 +due now \(for 22m( \d+s)?\)$/);
  assert.match(
    run.stdout,
    /\n1 problem:\n {2}inbox: overdue by 22m( \d+s)? and no nexus-worker daemon is running: /,
  );

  assert.equal(json.code, 1);
  const status = parseStatus(json);
  assert.deepEqual(
    status.jobs.map((job) => [job.dueNow, job.overdue]),
    [
      [true, false],
      [true, true],
    ],
  );
});

test('status names the daemon and the job it runs; a killed daemon leaves a stale lock',
  async (t) => {
    const nexus = await startStalledNexus(t);
    const dir = await makeTempDir(t);
    const { config, sessionsDir } = await writeOpsConfig(dir, { url: nexus.url });
    await addTranscript(sessionsDir);
    const daemon = spawnCli(t, ['--config', config], { secrets: [OPS_KEY] });
    await nexus.uploadArrived;

    const [run, json] = await Promise.all([
      runCli(['status', '--config', config]),
      runCli(['status', '--json', '--config', config]),
    ]);

    assert.equal(run.code, 0, run.stderr);
    const holder = `the daemon \\(pid ${daemon.pid}, since ${TIME}\\)`;
    assert.match(run.stdout, new RegExp(`^Worker: ${holder}$`, 'm'));
    assert.match(rowOf(run.stdout, SESSIONS_JOB), /never run +- +- +running now$/);
    assert.match(run.stdout, new RegExp(`^ +running now: ${holder}, for \\S+`, 'm'));
    assert.match(rowOf(run.stdout, WEBHOOK_JOB), /never run +- +- +due now$/);
    const status = parseStatus(json);
    assert.deepEqual(
      [status.worker.running, status.worker.role, status.worker.pid],
      [true, 'daemon', daemon.pid],
    );
    assert.deepEqual(
      [status.jobs[0]?.running?.role, status.jobs[0]?.running?.pid, status.jobs[0]?.dueNow],
      ['daemon', daemon.pid, false],
    );

    daemon.child.kill('SIGKILL');
    await daemon.exited();
    const afterKill = await runCli(['status', '--config', config]);

    assert.equal(afterKill.code, 0, afterKill.stderr);
    assert.match(
      afterKill.stdout,
      new RegExp(`^Worker: not running \\(pid ${daemon.pid} left its lock; the next start`, 'm'),
    );
    assert.match(rowOf(afterKill.stdout, SESSIONS_JOB), /never run +- +- +due now$/);
  },
);

test('status needs no API key at all, and masks the key where a saved message holds it',
  async (t) => {
    const keyless = await writeOpsConfig(await makeTempDir(t), { url: NO_NEXUS, apiKey: null });
    const fileKeyed = await writeOpsConfig(await makeTempDir(t), { url: NO_NEXUS });
    const envKeyed = await writeOpsConfig(await makeTempDir(t), { url: NO_NEXUS });
    const envKey = 'env-key-0f3a9b77';
    for (const [folders, key] of [[fileKeyed, OPS_KEY], [envKeyed, envKey]] as const) {
      const message = `Nexus said: unknown key ${key}`;
      await writeRunRecord(folders.stateDir, WEBHOOK_JOB, new Date(), { success: false, message });
    }

    const [status, job, fromFile, fromEnv] = await Promise.all([
      runCli(['status', '--config', keyless.config]),
      runCli(['--job', SESSIONS_JOB, '--config', keyless.config]),
      runCli(['status', '--config', fileKeyed.config]),
      runCli(['status', '--json', '--config', envKeyed.config], { env: { NEXUS_API_KEY: envKey } }),
    ]);

    assert.equal(status.code, 0, status.stderr);
    assert.equal(job.code, 2, 'a run does need the key');
    assert.match(job.stderr, /apiKey: is required/);
    assert.match(fromFile.stdout, /^ +Nexus said: unknown key \*\*\* \(took 2s\)$/m);
    const saved = parseStatus(fromEnv).jobs[1]?.lastRun?.message;
    assert.equal(saved, 'Nexus said: unknown key ***');
  },
);

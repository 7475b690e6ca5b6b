/**
 * Idle daemon: the worker in daemon mode with a session_upload and a webhook_pull job that
 * have nothing to do. After its first runs, the CPU time it uses over 60 s is read from /proc.
 * Skipped, with the reason, when this build cannot run as a daemon.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { seededRandom } from '../generate/random.js';
import { writeSessionStore } from '../generate/session-store.js';
import { startDaemon } from '../process/daemon-process.js';
import { startNexus } from '../process/nexus-process.js';
import { cpuSeconds, memoryKib } from '../process/proc-stat.js';
import { writeWorkerConfig, type BenchJob } from '../process/worker-run.js';
import { measure } from '../report/results.js';
import {
  notAvailable,
  type BenchContext,
  type Scenario,
  type ScenarioOutcome,
} from '../scenario.js';
import { hasJobType } from './job-types.js';

const CPU_TARGET_PERCENT = 0.1;
/** The daemon logs this when it goes to sleep until the next job is due. */
const IDLE_LINE = /Next check in/;
const START_TIMEOUT_MS = 30_000;
const SLICES = 6;

export const idleDaemon: Scenario = {
  name: 'idle-daemon',
  summary: 'CPU time of the daemon over 60 s with nothing to do',
  run: runIdleDaemon,
};

async function runIdleDaemon(context: BenchContext): Promise<ScenarioOutcome> {
  // Once its first runs are done, the daemon still spends some tens of milliseconds finishing
  // start-up; the window starts after that, and that cost is reported on its own row.
  const { seconds, settleSeconds } = context.sizes.idleDaemon;
  const { workDir } = context;
  const nexus = await startNexus(path.join(workDir, 'nexus'));
  try {
    const config = await writeWorkerConfig(workDir, nexus.url, await idleJobs(workDir));
    const daemon = startDaemon(config);
    if (!(await daemon.waitForLine(IDLE_LINE, START_TIMEOUT_MS))) {
      const code = await daemon.stop();
      const tail = daemon.stderrTail().slice(-3).join(' | ');
      return notAvailable(`the daemon did not reach its idle loop (exit ${code}): ${tail}`);
    }

    const cpuAtIdle = await cpuSeconds(daemon.pid);
    await sleep(settleSeconds * 1000);
    const cpuSettled = await cpuSeconds(daemon.pid);
    context.progress(`daemon idle; measuring for ${seconds} s`);
    const linesBefore = daemon.lineCount();
    const cpuBefore = await cpuSeconds(daemon.pid);
    const slices = await cpuBySlice(daemon.pid, seconds);
    const cpuAfter = await cpuSeconds(daemon.pid);
    const memory = await memoryKib(daemon.pid);
    const linesDuring = daemon.lineCount() - linesBefore;
    const exitCode = await daemon.stop();

    if (cpuBefore === undefined || cpuAfter === undefined) {
      return notAvailable('the daemon exited while it was being measured');
    }
    const used = cpuAfter - cpuBefore;
    return {
      status: 'ok',
      measures: [
        measure(`CPU over ${seconds} s idle`, used * 1000, 'ms'),
        measure('CPU share', (used / seconds) * 100, '%', {
          target: { below: CPU_TARGET_PERCENT },
        }),
        measure('idle RSS', (memory?.rssKib ?? Number.NaN) / 1024, 'MiB'),
        measure('CPU just after the first runs', startupTail(cpuAtIdle, cpuSettled), 'ms', {
          note: `the ${settleSeconds} s before the window: V8 finishing its start-up work`,
        }),
      ],
      details: {
        seconds,
        cpuMsPerSlice: slices,
        logLinesWhileIdle: linesDuring,
        exitCodeAfterSigterm: exitCode,
      },
    };
  } finally {
    await nexus.stop();
  }
}

function startupTail(before: number | undefined, after: number | undefined): number {
  return before === undefined || after === undefined ? Number.NaN : (after - before) * 1000;
}

/**
 * CPU milliseconds used in each sixth of the window: shows whether the cost is a steady tick or
 * the tail of start-up (V8 finishing compilation and shrinking its heap).
 */
async function cpuBySlice(pid: number, seconds: number): Promise<number[]> {
  const slices: number[] = [];
  let last = await cpuSeconds(pid);
  for (let slice = 0; slice < SLICES; slice += 1) {
    await sleep((seconds * 1000) / SLICES);
    const now = await cpuSeconds(pid);
    if (now === undefined || last === undefined) break;
    slices.push(Math.round((now - last) * 1000));
    last = now;
  }
  return slices;
}

/** A session_upload job whose transcripts are all live, and a webhook_pull with no items. */
async function idleJobs(workDir: string): Promise<BenchJob[]> {
  const sessionsDir = path.join(workDir, 'sessions');
  await mkdir(sessionsDir, { recursive: true });
  const random = seededRandom(5);
  const liveSessionIds = [random.uuid(), random.uuid(), random.uuid()];
  for (const sessionId of liveSessionIds) {
    await writeFile(path.join(sessionsDir, `${sessionId}.jsonl`), `{"type":"session"}\n`);
  }
  await writeSessionStore(path.join(sessionsDir, 'sessions.json'), {
    liveSessionIds,
    shape: 'compact',
    newSessionId: () => random.uuid(),
  });

  const jobs: BenchJob[] = [
    {
      id: 'sessions',
      type: 'session_upload',
      args: [sessionsDir, path.join(workDir, 'archive'), 'bench'],
    },
  ];
  if (await hasJobType('webhook_pull')) {
    const workspace = path.join(workDir, 'workspace');
    await mkdir(workspace, { recursive: true });
    jobs.push({ id: 'hooks', type: 'webhook_pull', args: ['bench', workspace] });
  }
  return jobs;
}

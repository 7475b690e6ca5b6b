/**
 * What each uploader pays before its first upload: Node's start-up and loading its code; for
 * the worker also reading the config and scanning. Measured with nothing to upload, best of
 * three, so the CPU of the real runs can be compared without it.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { helperArgs, REPO_ROOT } from '../paths.js';
import { runMeasured, type MeasuredRun } from '../process/measured-run.js';
import {
  runProblem,
  runWorkerJob,
  UNREACHED_NEXUS_URL,
  writeWorkerConfig,
} from '../process/worker-run.js';
import { roundTo } from './upload-phase.js';

const RUNS = 3;

export interface FixedCost {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMib: number;
}

export interface FixedCosts {
  /** A `--job` run on an empty sessions folder. */
  worker: FixedCost;
  /** The baseline helper with an empty list of files. */
  baseline: FixedCost;
}

export async function measureFixedCosts(workDir: string): Promise<FixedCosts> {
  const sessionsDir = path.join(workDir, 'sessions');
  await mkdir(sessionsDir, { recursive: true });
  await writeFile(path.join(sessionsDir, 'sessions.json'), '{}\n');
  const config = await writeWorkerConfig(workDir, UNREACHED_NEXUS_URL, [
    {
      id: 'empty',
      type: 'session_upload',
      args: [sessionsDir, path.join(workDir, 'archive'), 'bench'],
    },
  ]);
  const plan = path.join(workDir, 'empty-plan.json');
  const emptyPlan = { url: UNREACHED_NEXUS_URL, apiKey: '-', agentId: 'bench', files: [] };
  await writeFile(plan, JSON.stringify({ ...emptyPlan, concurrency: 1, sessionsDir }));

  try {
    const worker = await bestOf(async () => {
      const run = await runWorkerJob(config, 'empty');
      const problem = runProblem(run, 0);
      if (problem) throw new Error(`empty worker run: ${problem}`);
      return run;
    });
    const baseline = await bestOf(async () => {
      const nodeArgs = [...helperArgs('baseline-upload.ts'), plan];
      const run = await runMeasured({ nodeArgs, cwd: REPO_ROOT });
      if (run.code !== 0) throw new Error(`empty baseline run: ${run.stderrTail.join(' | ')}`);
      return run;
    });
    return { worker, baseline };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function bestOf(run: () => Promise<MeasuredRun>): Promise<FixedCost> {
  let best: MeasuredRun | undefined;
  for (let attempt = 0; attempt < RUNS; attempt += 1) {
    const result = await run();
    if (!best || result.wallSeconds < best.wallSeconds) best = result;
  }
  const fastest = best as MeasuredRun;
  return {
    wallSeconds: roundTo(fastest.wallSeconds),
    cpuSeconds: roundTo(fastest.userSeconds + fastest.systemSeconds),
    peakRssMib: roundTo(fastest.peakRssMib, 1),
  };
}

/**
 * Backfill: a sessions folder of completed transcripts (1,000, about 300 MB) uploaded and
 * archived by the real CLI, against a baseline that posts the same bodies at the same
 * concurrency with no worker logic. Also measures the local Nexus alone, and the worker's
 * fixed cost (start-up and an empty run), to show where the time goes.
 */
import { mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';

import { writeBackfillFolder, type BackfillFolder } from '../generate/backfill-folder.js';
import { runBaselinePhase } from '../phases/baseline-phase.js';
import { measureFixedCosts, type FixedCosts } from '../phases/fixed-cost.js';
import { measureNexusCapacity } from '../phases/nexus-capacity.js';
import { fastest, roundTo, type UploadPhase } from '../phases/upload-phase.js';
import { runWorkerPhase } from '../phases/worker-phase.js';
import { newProfileDir, summariseNewestProfile } from '../report/cpu-profile.js';
import { measure, type Measure } from '../report/results.js';
import type { BenchContext, Scenario, ScenarioOutcome } from '../scenario.js';

const MB = 1_000_000;

export const backfill: Scenario = {
  name: 'backfill',
  summary: 'upload and archive ~1,000 transcripts (~300 MB) vs a bare fetch baseline',
  run: runBackfill,
};

async function runBackfill(context: BenchContext): Promise<ScenarioOutcome> {
  const sizes = context.sizes.backfill;
  const { workDir } = context;
  const count = sizes.small + sizes.large;
  context.progress(`generating ${count} transcripts`);
  const folder = await writeBackfillFolder(path.join(workDir, 'sessions'), { ...sizes, seed: 7 });
  const archiveDir = path.join(workDir, 'archive');

  context.progress(`local Nexus alone: ${sizes.nexusPosts} small uploads`);
  const nexus = await measureNexusCapacity(
    path.join(workDir, 'capacity'),
    sizes.nexusPosts,
    sizes.concurrency,
  );
  const fixed = await measureFixedCosts(path.join(workDir, 'fixed-cost'));

  const baselineRuns: UploadPhase[] = [];
  const workerRuns: UploadPhase[] = [];
  const cpuProfileDir = context.cpuProfile ? await newProfileDir('backfill') : undefined;
  for (let round = 1; round <= sizes.rounds; round += 1) {
    context.progress(`round ${round}/${sizes.rounds}: baseline`);
    const roundDir = path.join(workDir, `round-${round}`);
    baselineRuns.push(
      await runBaselinePhase(folder, path.join(roundDir, 'baseline'), sizes.concurrency),
    );

    context.progress(`round ${round}/${sizes.rounds}: worker`);
    const profiled = cpuProfileDir && round === sizes.rounds;
    workerRuns.push(
      await runWorkerPhase(folder, {
        workDir: path.join(roundDir, 'worker'),
        archiveDir,
        concurrency: sizes.concurrency,
        nodeFlags: profiled ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [],
      }),
    );
    await moveBack(archiveDir, folder.sessionsDir);
  }

  const worker = fastest(workerRuns);
  const baseline = fastest(baselineRuns);
  const profile = cpuProfileDir ? await summariseNewestProfile(cpuProfileDir) : undefined;
  return {
    status: 'ok',
    measures: [
      ...throughputMeasures(folder, worker, baseline, fixed),
      ...whereTimeGoes(folder.totalBytes / MB, worker, baseline),
      measure('worker fixed cost (empty run)', fixed.worker.wallSeconds, 's'),
      measure('Nexus alone: small uploads', nexus.requestsPerSecond, 'req/s', {
        note: `Nexus CPU ${nexus.nexusCpuMsPerRequest.toFixed(2)} ms per request`,
      }),
    ],
    details: {
      files: folder.files.length,
      totalMB: roundTo(folder.totalBytes / MB, 1),
      largestMB: roundTo(Math.max(...folder.files.map((file) => file.bytes)) / MB, 2),
      filesLeftAlone: folder.leftAlone,
      concurrency: sizes.concurrency,
      rounds: { worker: workerRuns.map(rounded), baseline: baselineRuns.map(rounded) },
      nexusAlone: nexus,
      fixedCosts: fixed,
      cpuProfile: profile,
    },
  };
}

function throughputMeasures(
  folder: BackfillFolder,
  worker: UploadPhase,
  baseline: UploadPhase,
  fixed: FixedCosts,
): Measure[] {
  const files = folder.files.length;
  const megabytes = folder.totalBytes / MB;
  const cpuRatio = uploadCpu(worker, fixed.worker) / uploadCpu(baseline, fixed.baseline);
  return [
    measure('worker wall time', worker.wallSeconds, 's'),
    measure('worker files/s', files / worker.wallSeconds, 'files/s'),
    measure('worker MB/s', megabytes / worker.wallSeconds, 'MB/s'),
    measure('worker peak RSS', worker.peakRssMib, 'MiB'),
    measure('baseline wall time', baseline.wallSeconds, 's'),
    measure('baseline MB/s', megabytes / baseline.wallSeconds, 'MB/s'),
    measure('worker / baseline time', worker.wallSeconds / baseline.wallSeconds, '×', {
      target: { atMost: 1.3 },
      note: 'worker time includes Node start-up; baseline time does not',
    }),
    measure('worker / baseline CPU', cpuRatio, '×', {
      note: 'start-up excluded; hardly depends on other load, unlike the wall-time ratio',
    }),
  ];
}

/**
 * CPU of each process beside wall time: on two cores, their sum shows who waits for whom. A
 * ceiling is the rate one process would reach with a core to itself and the other infinitely
 * fast: the lower of the two bounds the pair.
 */
function whereTimeGoes(megabytes: number, worker: UploadPhase, baseline: UploadPhase): Measure[] {
  return [
    measure('worker CPU (user+sys)', worker.cpuSeconds, 's'),
    measure('Nexus CPU during worker run', worker.nexusCpuSeconds, 's'),
    measure('baseline client CPU', baseline.cpuSeconds, 's'),
    measure('Nexus CPU during baseline', baseline.nexusCpuSeconds, 's'),
    measure('worker ceiling, one core', megabytes / worker.cpuSeconds, 'MB/s'),
    measure('Nexus ceiling, one core', megabytes / worker.nexusCpuSeconds, 'MB/s'),
  ];
}

/** CPU spent on uploading: the run's CPU less what the same process costs with nothing to do. */
function uploadCpu(phase: UploadPhase, fixed: { cpuSeconds: number }): number {
  return phase.cpuSeconds - fixed.cpuSeconds;
}

function rounded(phase: UploadPhase): UploadPhase {
  return {
    wallSeconds: roundTo(phase.wallSeconds),
    cpuSeconds: roundTo(phase.cpuSeconds),
    peakRssMib: roundTo(phase.peakRssMib, 1),
    nexusCpuSeconds: roundTo(phase.nexusCpuSeconds),
  };
}

/** Puts archived transcripts back, so the next round uploads the very same folder. */
async function moveBack(archiveDir: string, sessionsDir: string): Promise<void> {
  await mkdir(archiveDir, { recursive: true });
  for (const name of await readdir(archiveDir)) {
    await rename(path.join(archiveDir, name), path.join(sessionsDir, name));
  }
}

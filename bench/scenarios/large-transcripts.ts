/**
 * Large transcripts: 20 of about 9.5 MB, just under Nexus's 10 MiB limit, uploaded at the
 * default concurrency of 4. The worker streams each one from its file; the baseline shows what
 * posting the same bodies as whole strings with fetch costs.
 */
import path from 'node:path';

import { writeBackfillFolder } from '../generate/backfill-folder.js';
import { runBaselinePhase } from '../phases/baseline-phase.js';
import { roundTo } from '../phases/upload-phase.js';
import { runWorkerPhase } from '../phases/worker-phase.js';
import { newProfileDir, summariseNewestProfile } from '../report/cpu-profile.js';
import { measure } from '../report/results.js';
import type { BenchContext, Scenario, ScenarioOutcome } from '../scenario.js';

const MB = 1_000_000;
const PEAK_RSS_TARGET_MIB = 150;

export const largeTranscripts: Scenario = {
  name: 'large-transcripts',
  summary: 'peak memory while uploading 20 transcripts of ~9.5 MB at concurrency 4',
  run: runLargeTranscripts,
};

async function runLargeTranscripts(context: BenchContext): Promise<ScenarioOutcome> {
  const { count, bytes, concurrency } = context.sizes.largeTranscripts;
  const { workDir } = context;
  context.progress(`generating ${count} transcripts of ~${(bytes[0] / MB).toFixed(1)} MB`);
  const folder = await writeBackfillFolder(path.join(workDir, 'sessions'), {
    small: 0,
    smallBytes: [1, 1],
    large: count,
    largeBytes: bytes,
    seed: 11,
  });

  context.progress('baseline');
  const baseline = await runBaselinePhase(folder, path.join(workDir, 'baseline'), concurrency);
  context.progress('worker');
  const cpuProfileDir = context.cpuProfile ? await newProfileDir('large') : undefined;
  const worker = await runWorkerPhase(folder, {
    workDir: path.join(workDir, 'worker'),
    archiveDir: path.join(workDir, 'archive'),
    concurrency,
    nodeFlags: cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [],
  });

  const megabytes = folder.totalBytes / MB;
  return {
    status: 'ok',
    measures: [
      measure('worker peak RSS', worker.peakRssMib, 'MiB', {
        target: { below: PEAK_RSS_TARGET_MIB },
      }),
      measure('baseline peak RSS', baseline.peakRssMib, 'MiB', {
        note: 'the same bodies built as strings and posted with bare fetch',
      }),
      measure('worker MB/s', megabytes / worker.wallSeconds, 'MB/s'),
      measure('worker / baseline time', worker.wallSeconds / baseline.wallSeconds, '×'),
    ],
    details: {
      files: folder.files.length,
      totalMB: roundTo(megabytes, 1),
      concurrency,
      worker,
      baseline,
      cpuProfile: cpuProfileDir ? await summariseNewestProfile(cpuProfileDir) : undefined,
    },
  };
}

/**
 * The baseline run: the bench's own minimal uploader posts the generated transcripts to a fresh
 * local Nexus at the worker's concurrency. See children/baseline-upload.ts.
 */
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { LoadReport } from '../children/post-session.js';
import type { BackfillFolder } from '../generate/backfill-folder.js';
import { helperArgs, REPO_ROOT } from '../paths.js';
import { runMeasured } from '../process/measured-run.js';
import { BENCH_API_KEY, startNexus } from '../process/nexus-process.js';
import type { UploadPhase } from './upload-phase.js';

/** `wallSeconds` runs from the helper's first read to its last answer: start-up is excluded. */
export async function runBaselinePhase(
  folder: BackfillFolder,
  workDir: string,
  concurrency: number,
): Promise<UploadPhase> {
  const nexus = await startNexus(path.join(workDir, 'nexus'));
  try {
    const planFile = path.join(workDir, 'baseline-plan.json');
    const plan = {
      url: nexus.url,
      apiKey: BENCH_API_KEY,
      agentId: 'bench',
      concurrency,
      sessionsDir: folder.sessionsDir,
      files: folder.files,
    };
    await writeFile(planFile, JSON.stringify(plan));

    const nexusCpuBefore = await nexus.cpuSeconds();
    const nodeArgs = [...helperArgs('baseline-upload.ts'), planFile];
    const run = await runMeasured({ nodeArgs, cwd: REPO_ROOT });
    const nexusCpuSeconds = (await nexus.cpuSeconds()) - nexusCpuBefore;

    const report = readReport(run.stdout, run.stderrTail);
    const stored = report.statuses['200'] ?? 0;
    if (run.code !== 0 || stored !== folder.files.length) {
      const statuses = JSON.stringify(report.statuses);
      throw new Error(`baseline stored ${stored} of ${folder.files.length} (${statuses})`);
    }
    return {
      wallSeconds: report.elapsedSeconds,
      cpuSeconds: run.userSeconds + run.systemSeconds,
      peakRssMib: run.peakRssMib,
      nexusCpuSeconds,
    };
  } finally {
    await nexus.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The helper's report line, or an error that shows what it printed instead. */
export function readReport(stdout: string, stderrTail: readonly string[]): LoadReport {
  try {
    return JSON.parse(stdout) as LoadReport;
  } catch {
    throw new Error(`load helper printed no report: ${stderrTail.slice(-5).join(' | ')}`);
  }
}

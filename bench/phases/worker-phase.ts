/**
 * The worker run: the real CLI uploads and archives the generated folder against a fresh local
 * Nexus, then the bench checks that everything arrived and moved.
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

import type { BackfillFolder } from '../generate/backfill-folder.js';
import { BENCH_API_KEY, startNexus } from '../process/nexus-process.js';
import { runProblem, runWorkerJob, writeWorkerConfig } from '../process/worker-run.js';
import type { UploadPhase } from './upload-phase.js';

export interface WorkerPhaseOptions {
  workDir: string;
  archiveDir: string;
  concurrency: number;
  /** Extra Node flags for the worker, such as --cpu-prof. */
  nodeFlags?: string[];
}

export async function runWorkerPhase(
  folder: BackfillFolder,
  options: WorkerPhaseOptions,
): Promise<UploadPhase> {
  const { workDir, archiveDir } = options;
  const nexus = await startNexus(path.join(workDir, 'nexus'));
  try {
    const config = await writeWorkerConfig(workDir, nexus.url, [
      {
        id: 'backfill',
        type: 'session_upload',
        args: [folder.sessionsDir, archiveDir, 'bench'],
        options: { settleMinutes: 0, concurrency: options.concurrency },
      },
    ]);

    const nexusCpuBefore = await nexus.cpuSeconds();
    const run = await runWorkerJob(config, 'backfill', { nodeFlags: options.nodeFlags });
    const nexusCpuSeconds = (await nexus.cpuSeconds()) - nexusCpuBefore;

    const expected = folder.files.length;
    const problem =
      runProblem(run, expected) ??
      countProblem('archived files', (await readdir(archiveDir)).length, expected) ??
      countProblem('sessions on Nexus', await storedSessions(nexus.url), expected);
    if (problem) throw new Error(`worker run: ${problem}`);

    return {
      wallSeconds: run.wallSeconds,
      cpuSeconds: run.userSeconds + run.systemSeconds,
      peakRssMib: run.peakRssMib,
      nexusCpuSeconds,
    };
  } finally {
    await nexus.stop();
    await rm(path.join(workDir, 'nexus'), { recursive: true, force: true });
  }
}

function countProblem(what: string, found: number, expected: number): string | undefined {
  return found === expected ? undefined : `${found} ${what}, expected ${expected}`;
}

async function storedSessions(url: string): Promise<number> {
  const response = await fetch(`${url}/sessions?agentId=bench`, {
    headers: { 'x-functions-key': BENCH_API_KEY },
  });
  const body = (await response.json()) as { sessions?: unknown[] };
  return body.sessions?.length ?? -1;
}

/**
 * The local Nexus on its own: how many small uploads a second it answers, and its CPU per
 * request. If the worker's rate came near this, the server would be what limits it.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';

import { helperArgs, REPO_ROOT } from '../paths.js';
import { runMeasured } from '../process/measured-run.js';
import { BENCH_API_KEY, startNexus } from '../process/nexus-process.js';
import { readReport } from './baseline-phase.js';

export interface NexusCapacity {
  requests: number;
  concurrency: number;
  requestsPerSecond: number;
  /** Server CPU per request, in milliseconds. */
  nexusCpuMsPerRequest: number;
  /** CPU of the load helper, for comparison: on two cores both share the machine. */
  clientCpuSeconds: number;
}

export async function measureNexusCapacity(
  workDir: string,
  requests: number,
  concurrency: number,
): Promise<NexusCapacity> {
  const nexus = await startNexus(path.join(workDir, 'nexus'));
  try {
    const before = await nexus.cpuSeconds();
    const args = [nexus.url, BENCH_API_KEY, String(requests), String(concurrency)];
    const nodeArgs = [...helperArgs('small-posts.ts'), ...args];
    const run = await runMeasured({ nodeArgs, cwd: REPO_ROOT });
    const nexusCpu = (await nexus.cpuSeconds()) - before;

    const report = readReport(run.stdout, run.stderrTail);
    if ((report.statuses['200'] ?? 0) !== requests) {
      throw new Error(`small posts: ${JSON.stringify(report.statuses)} for ${requests} requests`);
    }
    return {
      requests,
      concurrency,
      requestsPerSecond: requests / report.elapsedSeconds,
      nexusCpuMsPerRequest: (nexusCpu * 1000) / requests,
      clientCpuSeconds: run.userSeconds + run.systemSeconds,
    };
  } finally {
    await nexus.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

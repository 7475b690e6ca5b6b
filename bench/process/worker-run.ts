/**
 * Runs the real `nexus-worker` CLI from dist/ on a config the bench writes, measured from
 * outside, and reads the JobResult it prints.
 */
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { CLI_PATH, REPO_ROOT } from '../paths.js';
import { runMeasured, type MeasuredRun } from './measured-run.js';
import { BENCH_API_KEY } from './nexus-process.js';

/** For runs that never reach Nexus (nothing is due): nothing listens on this port. */
export const UNREACHED_NEXUS_URL = 'http://127.0.0.1:9/api';

export interface BenchJob {
  id: string;
  type: 'session_upload' | 'webhook_pull';
  args: string[];
  options?: Record<string, unknown>;
  intervalMinutes?: number;
}

export interface JobResult {
  jobId: string;
  success: boolean;
  message: string;
  itemsProcessed: number;
  errors: string[];
}

export interface WorkerRun extends MeasuredRun {
  result: JobResult | undefined;
}

/** Writes `config.json` in `dir`, owner-only as the worker expects, and answers its path. */
export async function writeWorkerConfig(
  dir: string,
  url: string,
  jobs: readonly BenchJob[],
): Promise<string> {
  const config = {
    url,
    apiKey: BENCH_API_KEY,
    stateDir: path.join(dir, 'state'),
    jobs: jobs.map((job) => ({
      id: job.id,
      type: job.type,
      description: `bench: ${job.id}`,
      intervalMinutes: job.intervalMinutes ?? 60,
      args: job.args,
      options: job.options ?? {},
    })),
  };
  const file = path.join(dir, 'config.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`);
  await chmod(file, 0o600);
  return file;
}

/** `nexus-worker --config FILE --job ID [...more]`, with optional extra Node flags. */
export async function runWorkerJob(
  configFile: string,
  jobId: string,
  options: { nodeFlags?: string[]; more?: string[] } = {},
): Promise<WorkerRun> {
  const nodeArgs = [
    ...(options.nodeFlags ?? []),
    CLI_PATH,
    '--config',
    configFile,
    '--job',
    jobId,
    ...(options.more ?? []),
  ];
  const run = await runMeasured({ nodeArgs, cwd: REPO_ROOT, env: workerEnv() });
  return { ...run, result: parseResult(run.stdout) };
}

/** The bench's own environment, minus anything that would change the worker's behaviour. */
export function workerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NEXUS_API_KEY;
  delete env.NEXUS_WORKER_MINUTE_MS;
  delete env.NODE_OPTIONS;
  return env;
}

function parseResult(stdout: string): JobResult | undefined {
  try {
    return JSON.parse(stdout) as JobResult;
  } catch {
    return undefined;
  }
}

/** Why a run did not do what the bench needs, or undefined when it did. */
export function runProblem(run: WorkerRun, expectedItems: number): string | undefined {
  const tail = run.stderrTail.slice(-5).join(' | ');
  if (!run.result) return `no JobResult on stdout (exit ${run.code}): ${tail}`;
  if (!run.result.success) return `job failed: ${run.result.message}`;
  if (run.result.itemsProcessed !== expectedItems) {
    return `expected ${expectedItems} items, the job processed ${run.result.itemsProcessed}`;
  }
  return undefined;
}

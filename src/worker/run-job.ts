import { findJobType } from '../jobs/registry.js';
import { NexusClient } from '../nexus/client.js';
import type { Config, JobConfig } from './config-schema.js';
import { errorMessage } from './errors.js';
import { failedResult, type JobResult } from './job-result.js';
import type { Logger } from './logger.js';
import { jobStateDir } from './state-dir.js';

export interface RunJobOptions {
  config: Config;
  /** Folder that relative paths in args are resolved against. */
  baseDir: string;
  stateDir: string;
  log: Logger;
  /** Shutdown asked: the job finishes the file or item in flight and starts nothing new. */
  signal: AbortSignal;
  /** The grace period ran out: requests in flight are aborted too. */
  abortSignal?: AbortSignal;
  dryRun: boolean;
  /** Handed to the job as `JobContext.progress`. */
  progress?: (done: number, total: number) => void;
}

/** Runs one job once. Never throws: a job that throws becomes a failed JobResult. */
export async function runJob(job: JobConfig, options: RunJobOptions): Promise<JobResult> {
  const { config, signal } = options;
  const log = options.log.child(job.id);
  const jobType = findJobType(job.type);
  if (!jobType) return failedResult(job.id, `Unknown job type "${job.type}"`);

  const nexus = new NexusClient({
    baseUrl: config.url,
    apiKey: config.apiKey,
    log,
    timeoutMs: config.requestTimeoutSeconds * 1000,
    retry: {
      retries: config.retry.retries,
      minDelayMs: config.retry.minDelaySeconds * 1000,
      maxDelayMs: config.retry.maxDelaySeconds * 1000,
      maxRetryAfterMs: config.retry.maxRetryAfterSeconds * 1000,
    },
    stopSignal: signal,
    abortSignal: options.abortSignal ?? signal,
  });

  log.info(options.dryRun ? 'Running job (dry run)' : 'Running job');
  try {
    return await jobType.run(job.args, job.options, {
      jobId: job.id,
      log,
      nexus,
      signal,
      dryRun: options.dryRun,
      stateDir: jobStateDir(options.stateDir, job.id),
      baseDir: options.baseDir,
      progress: options.progress,
    });
  } catch (error) {
    const reason = errorMessage(error);
    log.error(`Job failed: ${reason}`);
    if (error instanceof Error && error.stack) log.debug(error.stack);
    return failedResult(job.id, `Job failed: ${reason}`, [reason]);
  }
}

import type { z } from 'zod';

import type { NexusClient } from '../nexus/client.js';
import type { JobResult } from '../worker/job-result.js';
import type { Logger } from '../worker/logger.js';

/** What the worker hands a job for one run. */
export interface JobContext {
  jobId: string;
  log: Logger;
  nexus: NexusClient;
  /** Aborted when the worker shuts down: finish the item in flight, start nothing new. */
  signal: AbortSignal;
  /** List what would be done; change nothing locally or on Nexus. */
  dryRun: boolean;
  /** Folder for this job's durable state (the webhook delivery ledger, …). */
  stateDir: string;
  /** Folder that relative paths in the job's args are resolved against (the config's). */
  baseDir: string;
  /** Told after each file or item, for a progress line on a terminal; absent otherwise. */
  progress?: (done: number, total: number) => void;
}

/**
 * A kind of job. `args` are the config's positional arguments, `options` the
 * optional per-job settings; both are validated when the config is loaded, so
 * a job never starts with arguments it would reject.
 */
export interface JobType<Args = unknown, Options = unknown> {
  type: string;
  argsSchema: z.ZodType<Args>;
  optionsSchema: z.ZodType<Options>;
  run(args: Args, options: Options, context: JobContext): Promise<JobResult>;
}

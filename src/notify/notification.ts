import type { JobConfig } from '../worker/config-schema.js';
import type { JobResult } from '../worker/job-result.js';
import { describeRun } from './describe-run.js';
import type { NotifyOn } from './notify-config.js';

/**
 * A run with thousands of failed files must still fit in one argv element (Linux takes 128 KiB
 * at most) and in a model's context, so the message lists only the first errors, each cut short.
 */
const MAX_LISTED_ERRORS = 20;
const MAX_ERROR_CHARS = 300;

/** One message to one agent about one run. */
export interface Notification {
  jobId: string;
  agentId: string;
  text: string;
  /** The same for every attempt to deliver this run's message, so OpenClaw can drop repeats. */
  idempotencyKey: string;
}

/**
 * Whether a run is worth a notification. Each one starts a paid model turn, so by default only
 * a run that did something, reported an error or failed is.
 */
export function shouldNotify(policy: NotifyOn | undefined, result: JobResult): boolean {
  switch (policy ?? 'activity') {
    case 'always':
      return true;
    case 'failure':
      return !result.success;
    case 'activity':
      return !result.success || result.itemsProcessed > 0 || result.errors.length > 0;
  }
}

export interface RunToReport {
  job: JobConfig;
  result: JobResult;
  startedAt: Date;
  /** The config's folder, which relative paths in the job's args are resolved against. */
  baseDir: string;
}

/** The message for the job's notifyAgentId, or undefined when the job has none. */
export function buildNotification(run: RunToReport): Notification | undefined {
  const { job, result } = run;
  if (!job.notifyAgentId) return undefined;

  const outcome = result.success ? 'finished' : 'failed';
  const lines = [
    `Nexus Worker job "${job.id}" (${job.description}) ${outcome}.`,
    describeRun(job, result, run.baseDir),
  ];
  const omitted = result.errors.length - MAX_LISTED_ERRORS;
  if (omitted > 0) {
    lines.push(
      `The JobResult below lists the first ${MAX_LISTED_ERRORS} of ${result.errors.length} ` +
        'errors; the worker\'s log has all of them.',
    );
  }
  lines.push(`JobResult: ${JSON.stringify(shortened(result))}`);
  const text = lines.join('\n');

  return {
    jobId: job.id,
    agentId: job.notifyAgentId,
    text,
    idempotencyKey: `${job.id}-${run.startedAt.toISOString()}`,
  };
}

function shortened(result: JobResult): JobResult {
  return { ...result, errors: result.errors.slice(0, MAX_LISTED_ERRORS).map(cutShort) };
}

function cutShort(error: string): string {
  return error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}…` : error;
}

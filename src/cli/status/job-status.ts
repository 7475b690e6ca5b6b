import { formatTimestamp } from '../../worker/logger.js';
import { describeHolder, type LockHolder } from '../../worker/run-lock.js';
import type { JobRunRecord } from '../../worker/state-store.js';
import { formatDuration } from './durations.js';

/**
 * How far past its due time a job may be before status calls it overdue, on top of one whole
 * interval: the daemon runs one job at a time, so a long run of one job delays the others.
 */
export const OVERDUE_MARGIN_MINUTES = 5;

export interface JobStatusInput {
  job: { id: string; type: string; intervalMinutes: number };
  lastRun: JobRunRecord | undefined;
  /** Whoever runs the job this moment (the daemon, `--once` or `--job`). */
  running: LockHolder | undefined;
  /** The daemon or `--once` process holding the worker lock, if one runs. */
  worker: LockHolder | undefined;
  now: Date;
  /** Length of one interval minute (shorter only in tests, as for the daemon). */
  minuteMs: number;
}

export interface JobStatus {
  id: string;
  type: string;
  intervalMinutes: number;
  lastRun: JobRunRecord | undefined;
  running: LockHolder | undefined;
  /** One interval after the last run started; undefined when the job never ran. */
  nextRunAt: Date | undefined;
  /** Its interval has passed, or it never ran; false while it runs. */
  dueNow: boolean;
  /** More than one interval plus the margin late: the worker is not running, or stuck. */
  overdue: boolean;
  /** What needs a person's attention, each with what to do; empty when all is well. */
  problems: string[];
}

/** Where a job stands, from its last run and the locks; no clock or file is read here. */
export function evaluateJob(input: JobStatusInput): JobStatus {
  const { job, lastRun, running, worker, now } = input;
  const intervalMs = job.intervalMinutes * input.minuteMs;
  const lastStart = latest(
    lastRun && new Date(lastRun.startedAt),
    running && new Date(running.since),
  );
  const nextRunAt = lastStart && new Date(lastStart.getTime() + intervalMs);

  // A worker that started after the due time runs the job at once: count from its start.
  const dueSince = latest(nextRunAt, worker && new Date(worker.since));
  const lateMs = dueSince ? now.getTime() - dueSince.getTime() : 0;
  const overdue = lateMs > intervalMs + OVERDUE_MARGIN_MINUTES * input.minuteMs;

  const problems: string[] = [];
  if (lastRun && !lastRun.result.success) {
    const when = formatTimestamp(new Date(lastRun.startedAt));
    problems.push(`its last run (${when}) failed; see its message and the worker's log`);
  }
  if (overdue) problems.push(overdueProblem(input, lateMs));

  return {
    id: job.id,
    type: job.type,
    intervalMinutes: job.intervalMinutes,
    lastRun,
    running,
    nextRunAt,
    dueNow: !running && (!nextRunAt || nextRunAt.getTime() <= now.getTime()),
    overdue,
    problems,
  };
}

function overdueProblem(input: JobStatusInput, lateMs: number): string {
  const late = formatDuration(lateMs);
  const { running, worker } = input;
  if (running) {
    const length = formatDuration(input.now.getTime() - new Date(running.since).getTime());
    return (
      `its run has lasted ${length}, over twice its interval: it may be stuck; ` +
      `see the log of ${describeHolder(running)}`
    );
  }
  if (worker) {
    return (
      `overdue by ${late} although ${describeHolder(worker)} is running: ` +
      'it may be stuck; see its log'
    );
  }
  return (
    `overdue by ${late} and no nexus-worker daemon is running: start it ` +
    '(or check whatever runs nexus-worker --once)'
  );
}

function latest(...times: (Date | undefined)[]): Date | undefined {
  let found: Date | undefined;
  for (const time of times) {
    if (time && !Number.isNaN(time.getTime()) && (!found || time > found)) found = time;
  }
  return found;
}

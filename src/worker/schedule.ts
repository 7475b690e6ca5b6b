/**
 * When each job is due, on the monotonic clock (`performance.now()`): a wall-clock jump neither
 * runs a job early nor holds it back. Wall time only enters once, at start, from the last run
 * the state folder remembers.
 */

export interface DueJob {
  jobId: string;
  intervalMs: number;
  /** Monotonic milliseconds. */
  dueAt: number;
}

/**
 * When a job is first due after a start: at once if it never ran, else one interval after its
 * last recorded run. A last run in the future (the clock was set back since) counts as now.
 */
export function firstDueAt(
  intervalMs: number,
  lastRunStartedAt: Date | undefined,
  wallNow: number,
  monotonicNow: number,
): number {
  if (!lastRunStartedAt || Number.isNaN(lastRunStartedAt.getTime())) return monotonicNow;

  const elapsed = Math.max(0, wallNow - lastRunStartedAt.getTime());
  return monotonicNow + Math.max(0, intervalMs - elapsed);
}

/** The job due first; on a tie, the one listed first in the config. */
export function nextDue<T extends DueJob>(jobs: readonly T[]): T | undefined {
  let next: T | undefined;
  for (const job of jobs) {
    if (!next || job.dueAt < next.dueAt) next = job;
  }
  return next;
}

/** `60s`, `5s`, `0.2s`: whole seconds rounded up, tenths below one second. */
export function formatWait(ms: number): string {
  if (ms >= 1000) return `${Math.ceil(ms / 1000)}s`;
  return `${(Math.ceil(ms / 100) / 10).toFixed(1)}s`;
}

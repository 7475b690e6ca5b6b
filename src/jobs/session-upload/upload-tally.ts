import type { JobResult } from '../../worker/job-result.js';
import { plural } from '../../worker/plural.js';

/** What one run did, file by file; turned into the JobResult at the end. */
export interface Tally {
  uploaded: number;
  archived: number;
  empty: number;
  /** Files that failed; `errors` may also hold problems of the run as a whole. */
  failed: number;
  /** Transcripts left for a later run: locked, or changed within the settle time. */
  waiting: number;
  errors: string[];
  notes: string[];
  /** Set when the run must not start another upload (bad key, Nexus unreachable, shutdown). */
  stopReason?: string;
  ledgerChanged: boolean;
}

export function emptyTally(): Tally {
  return {
    uploaded: 0,
    archived: 0,
    empty: 0,
    failed: 0,
    waiting: 0,
    errors: [],
    notes: [],
    ledgerChanged: false,
  };
}

/** What the JobResult names besides the tally. */
export interface RunSummary {
  jobId: string;
  agentId: string;
  /** Transcripts that were ready for upload in this run. */
  found: number;
  settleMinutes: number;
}

export function tallyResult(tally: Tally, run: RunSummary): JobResult {
  const { failed } = tally;
  let message = `Uploaded ${plural(tally.uploaded, 'session')} for ${run.agentId}`;
  if (failed > 0) message += `, ${failed} failed`;
  if (tally.empty > 0) message += `; archived ${plural(tally.empty, 'empty file')}`;
  if (tally.waiting > 0) message += `; ${describeWaiting(tally.waiting, run.settleMinutes)}`;
  if (tally.stopReason) {
    const left = run.found - tally.uploaded - failed;
    message += `; stopped early (${tally.stopReason}), ${Math.max(0, left)} left for the next run`;
  }
  for (const note of tally.notes) message += `; ${note}`;

  return {
    jobId: run.jobId,
    success: tally.errors.length === 0 && !tally.stopReason,
    message,
    itemsProcessed: tally.uploaded,
    errors: tally.errors,
  };
}

/**
 * `7 waiting (locked or changed in the last 10 min)`: without it, a run that found only fresh
 * transcripts reads as if there were none.
 */
export function describeWaiting(waiting: number, settleMinutes: number): string {
  // With no settle time, only a lock or a modification time in the future makes a file wait.
  const why =
    settleMinutes > 0
      ? `locked or changed in the last ${settleMinutes} min`
      : 'locked, or modified in the future';
  return `${waiting} waiting (${why})`;
}

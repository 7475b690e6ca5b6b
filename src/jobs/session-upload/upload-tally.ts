import type { JobResult } from '../../worker/job-result.js';
import { plural } from '../../worker/plural.js';

/** What one run did, file by file; turned into the JobResult at the end. */
export interface Tally {
  uploaded: number;
  archived: number;
  empty: number;
  /** Files that failed; `errors` may also hold problems of the run as a whole. */
  failed: number;
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
    errors: [],
    notes: [],
    ledgerChanged: false,
  };
}

export function tallyResult(
  tally: Tally,
  found: number,
  agentId: string,
  jobId: string,
): JobResult {
  const { failed } = tally;
  let message = `Uploaded ${plural(tally.uploaded, 'session')} for ${agentId}`;
  if (failed > 0) message += `, ${failed} failed`;
  if (tally.empty > 0) message += `; archived ${plural(tally.empty, 'empty file')}`;
  if (tally.stopReason) {
    const left = found - tally.uploaded - failed;
    message += `; stopped early (${tally.stopReason}), ${Math.max(0, left)} left for the next run`;
  }
  for (const note of tally.notes) message += `; ${note}`;

  return {
    jobId,
    success: tally.errors.length === 0 && !tally.stopReason,
    message,
    itemsProcessed: tally.uploaded,
    errors: tally.errors,
  };
}

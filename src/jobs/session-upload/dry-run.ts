import type { TranscriptCandidate } from '../../openclaw/find-transcripts.js';
import type { JobResult } from '../../worker/job-result.js';
import { plural } from '../../worker/plural.js';
import type { JobContext } from '../job-type.js';

export interface DryRunFindings {
  agentId: string;
  maxFileBytes: number;
  /** Problems found before any transcript was looked at, such as an unreadable session store. */
  errors: readonly string[];
  notes: readonly string[];
}

/**
 * Says what a real run would do with each ready transcript, as far as its size tells without
 * reading it: an empty file is archived without an upload, one over the limit is left.
 */
export function dryRunResult(
  ready: readonly TranscriptCandidate[],
  findings: DryRunFindings,
  context: JobContext,
): JobResult {
  const { log } = context;
  let wouldUpload = 0;

  for (const candidate of ready) {
    if (candidate.size === 0) {
      log.info(`Would archive without upload: ${candidate.name} (empty file)`);
    } else if (candidate.size > findings.maxFileBytes) {
      const limit = `${candidate.size} bytes is over the limit of ${findings.maxFileBytes}`;
      log.info(`Would leave in place: ${candidate.name} (${limit})`);
    } else {
      wouldUpload += 1;
      log.info(`Would upload: ${candidate.name} (${candidate.size} bytes)`);
    }
  }

  let message = `Dry run: would upload ${plural(wouldUpload, 'session')} for ${findings.agentId}`;
  for (const note of findings.notes) message += `; ${note}`;
  return {
    jobId: context.jobId,
    success: findings.errors.length === 0,
    message,
    itemsProcessed: 0,
    errors: [...findings.errors],
  };
}

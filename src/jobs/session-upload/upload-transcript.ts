import { lstat } from 'node:fs/promises';

import { isRunFatal } from '../../nexus/errors.js';
import type { TranscriptCandidate } from '../../openclaw/find-transcripts.js';
import { errorCode, errorMessage } from '../../worker/errors.js';
import type { JobContext } from '../job-type.js';
import { SHUTTING_DOWN, stoppedRequestReason } from '../stopped-request.js';
import { archiveTranscript } from './archive-transcript.js';
import {
  TranscriptChangedError,
  UnreadableTranscriptError,
  readTranscript,
} from './read-transcript.js';
import type { RejectedLedger } from './rejected-ledger.js';
import type { SessionUploadArgs, SessionUploadOptions } from './settings.js';
import type { Tally } from './upload-tally.js';

/** What every file of one run shares. */
export interface UploadRun {
  args: SessionUploadArgs;
  options: SessionUploadOptions;
  context: JobContext;
  archiveDir: string;
  ledger: RejectedLedger;
  tally: Tally;
}

/** Uploads one completed transcript and archives it once Nexus holds it. */
export async function uploadTranscript(candidate: TranscriptCandidate, run: UploadRun) {
  const { context, tally, options } = run;
  if (tally.stopReason) return;
  if (context.signal.aborted) {
    tally.stopReason = SHUTTING_DOWN;
    return;
  }

  if (candidate.size === 0) {
    await archiveTranscript(candidate, run.archiveDir, run, 'empty');
    return;
  }
  if (candidate.size > options.maxFileBytes) {
    reject(candidate, `${candidate.size} bytes is over the limit of ${options.maxFileBytes}`, run);
    return;
  }

  try {
    const transcript = await readTranscript(candidate.path, {
      compressed: candidate.compressed,
      maxBytes: options.maxFileBytes,
    });
    const outcome = await context.nexus.uploadSession({
      agentId: run.args.agentId,
      sessionId: candidate.sessionId,
      fileName: candidate.name,
      sha256: transcript.sha256,
      transcript,
    });

    if (outcome.kind === 'rejected') {
      reject(candidate, `Nexus refused it: ${outcome.reason}`, run);
      return;
    }
    tally.uploaded += 1;
    if (outcome.kind === 'duplicate') {
      context.log.warn(`Already on Nexus: ${candidate.name} (archiving it)`);
    } else {
      context.log.info(`Uploaded: ${candidate.name}`);
    }
  } catch (error) {
    handleUploadError(candidate, error, run);
    return;
  }

  if (await changedSinceScan(candidate)) {
    context.log.warn(`Changed while uploading: ${candidate.name} (left for the next run)`);
    return;
  }
  await archiveTranscript(candidate, run.archiveDir, run, 'uploaded');
}

function handleUploadError(candidate: TranscriptCandidate, error: unknown, run: UploadRun): void {
  const { context, tally } = run;

  if (error instanceof UnreadableTranscriptError) {
    reject(candidate, error.message, run);
    return;
  }
  if (error instanceof TranscriptChangedError) {
    // Only an incomplete body went out, which no server can take for the transcript.
    context.log.warn(`Changed while uploading: ${candidate.name} (left for the next run)`);
    return;
  }
  if (errorCode(error) === 'ENOENT') {
    context.log.info(`Gone before upload: ${candidate.name} (removed by OpenClaw)`);
    return;
  }
  const stop = stoppedRequestReason(error, context.signal);
  if (stop !== undefined) {
    // Not a failure of the file: it stays for the next run. A reason that says what went wrong
    // before the stop (Nexus down, say) replaces the bare stop, whichever lane saw which first.
    context.log.warn(`Upload stopped: ${candidate.name}: ${stop}; left for the next run`);
    if (!tally.stopReason || tally.stopReason === SHUTTING_DOWN) tally.stopReason = stop;
    return;
  }

  const reason = errorMessage(error);
  tally.failed += 1;
  tally.errors.push(`${candidate.name}: ${reason}`);
  context.log.error(`Upload failed: ${candidate.name}: ${reason}`);
  if (isRunFatal(error) && !tally.stopReason) {
    tally.stopReason = reason;
    context.log.error(`Stopping this run: ${reason}`);
  }
}

/** A refusal that would repeat until the file changes: reported once, then remembered. */
function reject(candidate: TranscriptCandidate, reason: string, run: UploadRun): void {
  run.tally.failed += 1;
  run.tally.errors.push(`${candidate.name}: ${reason}; left in place`);
  run.context.log.error(`Not uploaded: ${candidate.name}: ${reason}; left in place`);
  run.ledger.set(candidate.name, {
    size: candidate.size,
    mtimeMs: candidate.mtimeMs,
    reason,
    rejectedAt: new Date().toISOString(),
  });
  run.tally.ledgerChanged = true;
}

/** A writer that slipped past the lock and settle checks must not lose its last lines. */
async function changedSinceScan(candidate: TranscriptCandidate): Promise<boolean> {
  try {
    const now = await lstat(candidate.path);
    return now.size !== candidate.size || now.mtimeMs !== candidate.mtimeMs;
  } catch {
    return true;
  }
}

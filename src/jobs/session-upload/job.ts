import { lstat, mkdir } from 'node:fs/promises';
import path from 'node:path';

import { moveIntoFolder, removeStaleTemps } from '../../fs/move-into-folder.js';
import { isRunFatal } from '../../nexus/errors.js';
import { scanSessionsFolder, type TranscriptCandidate } from '../../openclaw/find-transcripts.js';
import { errorCode, errorMessage } from '../../worker/errors.js';
import type { JobResult } from '../../worker/job-result.js';
import type { JobContext, JobType } from '../job-type.js';
import { runPool } from '../run-pool.js';
import { dryRunResult } from './dry-run.js';
import { UnreadableTranscriptError, readTranscript } from './read-transcript.js';
import {
  isStillRejected,
  loadRejected,
  saveRejected,
  type RejectedLedger,
} from './rejected-ledger.js';
import {
  sessionUploadArgsSchema,
  sessionUploadOptionsSchema,
  type SessionUploadArgs,
  type SessionUploadOptions,
} from './settings.js';

/** What one run did, file by file; turned into the JobResult at the end. */
interface Tally {
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

export const sessionUpload: JobType<SessionUploadArgs, SessionUploadOptions> = {
  type: 'session_upload',
  argsSchema: sessionUploadArgsSchema,
  optionsSchema: sessionUploadOptionsSchema,
  run: runSessionUpload,
};

async function runSessionUpload(
  args: SessionUploadArgs,
  options: SessionUploadOptions,
  context: JobContext,
): Promise<JobResult> {
  const { log } = context;
  const sessionsDir = path.resolve(context.baseDir, args.sessionsDir);
  const archiveDir = path.resolve(context.baseDir, args.archiveDir);
  const tally: Tally = {
    uploaded: 0,
    archived: 0,
    empty: 0,
    failed: 0,
    errors: [],
    notes: [],
    ledgerChanged: false,
  };

  const scan = await scanSessionsFolder(sessionsDir, { settleMs: options.settleMinutes * 60_000 });
  reportStore(scan.store, context, tally);
  for (const { name, reason, category } of scan.skipped) {
    const worthSaying = context.dryRun || category === 'no-session-id';
    (worthSaying ? log.info : log.debug)(`Skipped: ${name} (${reason})`);
  }
  // A busy folder can hold thousands of fresh files: one line says how many, debug says which.
  const waitLog = context.dryRun || scan.waiting.length <= 10 ? log.info : log.debug;
  for (const { candidate, reason } of scan.waiting) {
    waitLog(`Waiting: ${candidate.name} (${reason})`);
  }
  if (scan.waiting.length > 10) {
    log.info(`Waiting: ${scan.waiting.length} transcripts locked or changed recently`);
  }

  const ledger = await loadRejected(context.stateDir);
  const ready = scan.ready.filter((candidate) => {
    const rejected = isStillRejected(ledger, candidate);
    if (rejected) log.warn(`Still left in place: ${candidate.name} (${rejected.reason})`);
    return !rejected;
  });
  pruneLedger(ledger, scan.ready, tally);

  log.info(`Found ${ready.length} completed sessions`);
  if (context.dryRun) {
    const { errors, notes } = tally;
    const findings = { agentId: args.agentId, maxFileBytes: options.maxFileBytes, errors, notes };
    return dryRunResult(ready, findings, context);
  }

  await mkdir(archiveDir, { recursive: true, mode: 0o700 });
  // A run killed while saving the ledger of refused files leaves its temp file in the state folder.
  await removeStaleTemps(context.stateDir);
  const staleTemps = await removeStaleTemps(archiveDir);
  if (staleTemps > 0) log.info(`Removed ${staleTemps} temp files left by an interrupted run`);

  // The first upload goes alone: a refused key or a Nexus that is down then costs one request,
  // not one per lane.
  const files: FileContext = { args, options, context, archiveDir, ledger, tally };
  let done = 0;
  const processAndCount = async (candidate: TranscriptCandidate) => {
    await processTranscript(candidate, files);
    done += 1;
    context.progress?.(done, ready.length);
  };
  const [first, ...rest] = ready;
  if (first) await processAndCount(first);
  await runPool(rest, options.concurrency, processAndCount);

  if (tally.ledgerChanged) await saveLedger(ledger, context, tally);
  if (tally.archived > 0) log.info(`Archived ${tally.archived} files`);
  log.info(`Job complete: ${tally.uploaded} uploaded, ${tally.failed} failed`);

  return toResult(tally, ready.length, args.agentId, context.jobId);
}

interface FileContext {
  args: SessionUploadArgs;
  options: SessionUploadOptions;
  context: JobContext;
  archiveDir: string;
  ledger: RejectedLedger;
  tally: Tally;
}

async function processTranscript(candidate: TranscriptCandidate, file: FileContext): Promise<void> {
  const { context, tally, options } = file;
  if (tally.stopReason) return;
  if (context.signal.aborted) {
    tally.stopReason = 'the worker is shutting down';
    return;
  }

  if (candidate.size === 0) {
    await archive(candidate, file, 'empty');
    return;
  }
  if (candidate.size > options.maxFileBytes) {
    reject(candidate, `${candidate.size} bytes is over the limit of ${options.maxFileBytes}`, file);
    return;
  }

  try {
    const body = await readTranscript(candidate.path, {
      compressed: candidate.compressed,
      maxBytes: options.maxFileBytes,
    });
    const outcome = await context.nexus.uploadSession({
      agentId: file.args.agentId,
      sessionId: candidate.sessionId,
      transcript: body.text,
      fileName: candidate.name,
      sha256: body.sha256,
    });

    if (outcome.kind === 'rejected') {
      reject(candidate, `Nexus refused it: ${outcome.reason}`, file);
      return;
    }
    tally.uploaded += 1;
    if (outcome.kind === 'duplicate') {
      context.log.warn(`Already on Nexus: ${candidate.name} (archiving it)`);
    } else {
      context.log.info(`Uploaded: ${candidate.name}`);
    }
  } catch (error) {
    handleUploadError(candidate, error, file);
    return;
  }

  if (await changedSinceScan(candidate)) {
    context.log.warn(`Changed while uploading: ${candidate.name} (left for the next run)`);
    return;
  }
  await archive(candidate, file, 'uploaded');
}

function handleUploadError(
  candidate: TranscriptCandidate,
  error: unknown,
  file: FileContext,
): void {
  const { context, tally } = file;

  if (error instanceof UnreadableTranscriptError) {
    reject(candidate, error.message, file);
    return;
  }
  if (errorCode(error) === 'ENOENT') {
    context.log.info(`Gone before upload: ${candidate.name} (removed by OpenClaw)`);
    return;
  }
  if (context.signal.aborted) {
    tally.stopReason = 'the worker is shutting down';
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
function reject(candidate: TranscriptCandidate, reason: string, file: FileContext): void {
  file.tally.failed += 1;
  file.tally.errors.push(`${candidate.name}: ${reason}; left in place`);
  file.context.log.error(`Not uploaded: ${candidate.name}: ${reason}; left in place`);
  file.ledger.set(candidate.name, {
    size: candidate.size,
    mtimeMs: candidate.mtimeMs,
    reason,
    rejectedAt: new Date().toISOString(),
  });
  file.tally.ledgerChanged = true;
}

async function archive(
  candidate: TranscriptCandidate,
  file: FileContext,
  why: 'uploaded' | 'empty',
): Promise<void> {
  const { context, tally } = file;
  try {
    const moved = await moveIntoFolder(candidate.path, file.archiveDir);
    tally.archived += 1;
    if (why === 'empty') {
      tally.empty += 1;
      context.log.info(`Archived empty file without upload: ${candidate.name}`);
    }
    const where = path.basename(moved.target);
    const how = moved.kind === 'moved' ? 'archived as' : 'already archived as';
    context.log.debug(`${candidate.name} ${how} ${where}`);
  } catch (error) {
    const reason = `uploaded but not archived: ${errorMessage(error)}`;
    tally.failed += 1;
    tally.errors.push(`${candidate.name}: ${reason}`);
    context.log.error(`Archive failed: ${candidate.name}: ${reason}`);
  }
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

function reportStore(
  store: Awaited<ReturnType<typeof scanSessionsFolder>>['store'],
  context: JobContext,
  tally: Tally,
): void {
  if (store.known) return;
  const note = `plain transcripts left alone: ${store.reason}`;
  tally.notes.push(note);
  if (store.missing) {
    context.log.info(`No session store: ${note}`);
  } else {
    tally.errors.push(`sessions.json: ${store.reason}; plain transcripts left alone`);
    context.log.warn(`Session store unreadable: ${note}`);
  }
}

/**
 * Keeps only refusals that still hold: a file that is gone or has changed since it was refused
 * is forgotten, so an upload that now succeeds leaves no stale entry behind.
 */
function pruneLedger(ledger: RejectedLedger, ready: TranscriptCandidate[], tally: Tally): void {
  const stillRejected = new Set(
    ready
      .filter((candidate) => isStillRejected(ledger, candidate))
      .map((candidate) => candidate.name),
  );
  for (const name of ledger.keys()) {
    if (!stillRejected.has(name)) {
      ledger.delete(name);
      tally.ledgerChanged = true;
    }
  }
}

async function saveLedger(ledger: RejectedLedger, context: JobContext, tally: Tally) {
  try {
    await mkdir(context.stateDir, { recursive: true, mode: 0o700 });
    await saveRejected(context.stateDir, ledger);
  } catch (error) {
    const reason = `cannot save refused files in ${context.stateDir}: ${errorMessage(error)}`;
    tally.notes.push(reason);
    context.log.warn(reason);
  }
}

function toResult(tally: Tally, found: number, agentId: string, jobId: string): JobResult {
  const { failed } = tally;
  let message = `Uploaded ${tally.uploaded} sessions for ${agentId}`;
  if (failed > 0) message += `, ${failed} failed`;
  if (tally.empty > 0) message += `; archived ${tally.empty} empty files`;
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

import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { removeStaleTemps } from '../../fs/move-into-folder.js';
import { scanSessionsFolder, type TranscriptCandidate } from '../../openclaw/find-transcripts.js';
import { errorMessage } from '../../worker/errors.js';
import type { JobResult } from '../../worker/job-result.js';
import { plural } from '../../worker/plural.js';
import type { JobContext, JobType } from '../job-type.js';
import { runPool } from '../run-pool.js';
import { dryRunResult } from './dry-run.js';
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
import { emptyTally, tallyResult, type Tally } from './upload-tally.js';
import { uploadTranscript, type UploadRun } from './upload-transcript.js';

/** Stray files already named at INFO by this process; cleared now and then to stay small. */
const noticed = new Set<string>();
const MAX_NOTICED = 10_000;

function firstNotice(sessionsDir: string, name: string): boolean {
  const key = `${sessionsDir}\0${name}`;
  if (noticed.has(key)) return false;

  if (noticed.size >= MAX_NOTICED) noticed.clear();
  noticed.add(key);
  return true;
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
  const tally = emptyTally();

  const scan = await scanSessionsFolder(sessionsDir, {
    settleMs: options.settleMinutes * 60_000,
    configuredIn: `args[0] of job "${context.jobId}"`,
  });
  reportStore(scan.store, context, tally);
  for (const { name, reason, category } of scan.skipped) {
    // A stray file may be a misnamed transcript: said once, not on every run of a daemon.
    const stray = category === 'no-session-id' && firstNotice(sessionsDir, name);
    const worthSaying = context.dryRun || stray;
    const say = category === 'name-not-utf8' ? log.warn : worthSaying ? log.info : log.debug;
    say(`Skipped: ${name} (${reason})`);
  }
  tally.waiting = scan.waiting.length;
  // A busy folder can hold thousands of fresh files: one line says how many, debug says which.
  const waitLog = context.dryRun || scan.waiting.length <= 10 ? log.info : log.debug;
  for (const { candidate, reason } of scan.waiting) {
    waitLog(`Waiting: ${candidate.name} (${reason})`);
  }
  if (scan.waiting.length > 10) {
    log.info(`Waiting: ${plural(scan.waiting.length, 'transcript')} locked or changed recently`);
  }

  const ledger = await loadRejected(context.stateDir);
  const ready = scan.ready.filter((candidate) => {
    const rejected = isStillRejected(ledger, candidate);
    if (rejected) log.warn(`Still left in place: ${candidate.name} (${rejected.reason})`);
    return !rejected;
  });
  pruneLedger(ledger, scan.ready, tally);

  log.info(`Found ${plural(ready.length, 'completed session')}`);
  if (context.dryRun) {
    const { errors, notes } = tally;
    const findings = { agentId: args.agentId, maxFileBytes: options.maxFileBytes, errors, notes };
    return dryRunResult(ready, findings, context);
  }

  await mkdir(archiveDir, { recursive: true, mode: 0o700 });
  // A run killed while saving the ledger of refused files leaves its temp file in the state folder.
  await removeStaleTemps(context.stateDir);
  const staleTemps = await removeStaleTemps(archiveDir);
  if (staleTemps > 0) {
    log.info(`Removed ${plural(staleTemps, 'temp file')} left by an interrupted run`);
  }

  // The first upload goes alone: a refused key or a Nexus that is down then costs one request,
  // not one per lane.
  const run: UploadRun = { args, options, context, archiveDir, ledger, tally };
  let done = 0;
  const processAndCount = async (candidate: TranscriptCandidate) => {
    await uploadTranscript(candidate, run);
    done += 1;
    context.progress?.(done, ready.length);
  };
  const [first, ...rest] = ready;
  if (first) await processAndCount(first);
  await runPool(rest, options.concurrency, processAndCount);

  if (tally.ledgerChanged) await saveLedger(ledger, context, tally);
  if (tally.archived > 0) log.info(`Archived ${plural(tally.archived, 'file')}`);
  const waiting = tally.waiting > 0 ? `, ${tally.waiting} waiting` : '';
  log.info(`Job complete: ${tally.uploaded} uploaded, ${tally.failed} failed${waiting}`);

  return tallyResult(tally, {
    jobId: context.jobId,
    agentId: args.agentId,
    found: ready.length,
    settleMinutes: options.settleMinutes,
  });
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

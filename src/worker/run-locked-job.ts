import type { JobConfig } from './config-schema.js';
import { errorMessage } from './errors.js';
import type { JobResult } from './job-result.js';
import type { LoadedConfig } from './load-config.js';
import { redact, type Logger } from './logger.js';
import { runJob } from './run-job.js';
import { acquireLock, jobLockPath, type LockHolder, type LockRole } from './run-lock.js';
import type { Shutdown } from './shutdown.js';
import { runSignals } from './shutdown-grace.js';
import { writeRunRecord } from './state-store.js';

export interface LockedRunSettings {
  loaded: LoadedConfig;
  stateDir: string;
  log: Logger;
  /** The shutdown signal: the job finishes what it is doing and starts nothing new. */
  shutdown: Shutdown;
  dryRun: boolean;
  /** Masked in the JobResult before it is saved, printed or sent anywhere. */
  secrets: readonly string[];
  /** Who runs the job, for the message another process sees when it finds the lock taken. */
  role: LockRole;
  /** Told after each file or item of the run: a `--job` run on a terminal shows it. */
  progress?: (done: number, total: number) => void;
}

export type JobRunOutcome =
  | { kind: 'ran'; result: JobResult; startedAt: Date }
  | { kind: 'busy'; holder: LockHolder | undefined };

/**
 * Runs a job under its run lock, so it never runs twice at once, not even from two processes,
 * then saves its last run in the state folder (except in a dry run). Answers `busy` without
 * running when another process holds the lock.
 */
export async function runLockedJob(
  job: JobConfig,
  settings: LockedRunSettings,
): Promise<JobRunOutcome> {
  const { log, stateDir, shutdown } = settings;
  const attempt = await acquireLock(jobLockPath(stateDir, job.id), settings.role, log);
  if (!attempt.acquired) return { kind: 'busy', holder: attempt.holder };

  const { lock } = attempt;
  const forget = shutdown.atExit(() => lock.releaseSync());
  const signals = runSignals(shutdown.signal, requestGraceMs(settings));
  try {
    const startedAt = new Date();
    const result = maskResult(
      await runJob(job, {
        config: settings.loaded.config,
        baseDir: settings.loaded.dir,
        stateDir,
        log,
        signal: signals.stop,
        abortSignal: signals.abort,
        dryRun: settings.dryRun,
        progress: settings.progress,
      }),
      settings.secrets,
    );

    if (!settings.dryRun) await saveRun(job, startedAt, result, settings);
    return { kind: 'ran', result, startedAt };
  } finally {
    signals.release();
    forget();
    await lock.release();
  }
}

async function saveRun(
  job: JobConfig,
  startedAt: Date,
  result: JobResult,
  settings: LockedRunSettings,
): Promise<void> {
  const record = {
    jobId: job.id,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    result,
  };
  try {
    await writeRunRecord(settings.stateDir, record, settings.secrets);
  } catch (error) {
    settings.log.child(job.id).error(
      `Cannot save this run in ${settings.stateDir}: ${errorMessage(error)} ` +
        '(check that the state folder is writable; the schedule is kept in memory meanwhile)',
    );
  }
}

function maskResult(result: JobResult, secrets: readonly string[]): JobResult {
  return {
    ...result,
    message: redact(result.message, secrets),
    errors: result.errors.map((error) => redact(error, secrets)),
  };
}

/** Requests in flight get most of the grace period; the rest is for saving state. */
function requestGraceMs(settings: LockedRunSettings): number {
  const graceMs = settings.loaded.config.shutdownGraceSeconds * 1000;
  return Math.max(0, graceMs - Math.min(5000, graceMs / 4));
}

import { setTimeout as sleep } from 'node:timers/promises';

import { buildNotification, shouldNotify } from '../notify/notification.js';
import type { NotificationQueue } from '../notify/notification-queue.js';
import type { JobConfig } from './config-schema.js';
import { errorMessage } from './errors.js';
import { failedResult, type JobResult } from './job-result.js';
import { formatTimestamp } from './logger.js';
import { runLockedJob, type JobRunOutcome, type LockedRunSettings } from './run-locked-job.js';
import { describeHolder } from './run-lock.js';
import { firstDueAt, formatWait, nextDue, type DueJob } from './schedule.js';
import { readRunRecord } from './state-store.js';

export interface SchedulerSettings extends Omit<LockedRunSettings, 'role'> {
  jobs: readonly JobConfig[];
  /** Length of one interval minute in milliseconds (shorter only in tests). */
  minuteMs: number;
  notifications: NotificationQueue;
}

interface ScheduledJob extends DueJob {
  job: JobConfig;
}

/**
 * The daemon: runs each job when its interval has passed since its last run, one job at a
 * time, until the shutdown signal. Between runs it sleeps until the next job is due, but at
 * most one minute, and says so in the log.
 */
export async function runDaemonLoop(settings: SchedulerSettings): Promise<void> {
  const { log } = settings;
  const { signal } = settings.shutdown;
  const schedule = await initialSchedule(settings);

  while (!signal.aborted) {
    const next = nextDue(schedule);
    if (!next) return;

    const wait = next.dueAt - performance.now();
    if (wait <= 0) {
      await runScheduledJob(next, settings);
      continue;
    }

    const nap = Math.min(wait, settings.minuteMs);
    log.info(`Next check in ${formatWait(nap)}`);
    await sleep(nap, undefined, { signal }).catch(() => undefined);
  }
}

/** `--once`: every job once, in config order; a result for each, run or not. */
export async function runEachJobOnce(settings: SchedulerSettings): Promise<JobResult[]> {
  const results: JobResult[] = [];
  for (const job of settings.jobs) {
    if (settings.shutdown.signal.aborted) {
      results.push(failedResult(job.id, 'Not run: the worker was asked to stop'));
      continue;
    }

    results.push(await runForResult(job, settings));
  }
  return results;
}

async function runForResult(job: JobConfig, settings: SchedulerSettings): Promise<JobResult> {
  const log = settings.log.child(job.id);
  try {
    const outcome = await runAndNotify(job, settings, 'once');
    if (outcome.kind === 'ran') return outcome.result;

    const reason = `Not run: the job is already running in ${describeHolder(outcome.holder)}`;
    log.warn(reason);
    return failedResult(job.id, reason);
  } catch (error) {
    const reason = `Job could not run: ${errorMessage(error)}`;
    log.error(reason);
    return failedResult(job.id, reason, [errorMessage(error)]);
  }
}

/**
 * When each job is first due, each said in the log: a user who has just run a job by hand
 * sees that the daemon waits for it rather than doing nothing.
 */
async function initialSchedule(settings: SchedulerSettings): Promise<ScheduledJob[]> {
  const wallNow = Date.now();
  const monotonicNow = performance.now();
  const schedule: ScheduledJob[] = [];

  for (const job of settings.jobs) {
    const intervalMs = job.intervalMinutes * settings.minuteMs;
    const last = await readRunRecord(settings.stateDir, job.id, settings.log);
    const lastStart = last ? new Date(last.startedAt) : undefined;
    const dueAt = firstDueAt(intervalMs, lastStart, wallNow, monotonicNow);
    const firstRunAt = dueAt > monotonicNow ? new Date(wallNow + dueAt - monotonicNow) : 'now';
    settings.log.child(job.id).info(describeFirstRun(job, lastStart, firstRunAt));
    schedule.push({ job, jobId: job.id, intervalMs, dueAt });
  }
  return schedule;
}

/** `Next run at 2026-12-03T16:40:00 (every 15 minutes; last run 2026-12-03T16:25:00)`. */
function describeFirstRun(
  job: JobConfig,
  lastStart: Date | undefined,
  firstRunAt: Date | 'now',
): string {
  const minutes = job.intervalMinutes;
  const every = `every ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  const last = lastStart ? `last run ${formatTimestamp(lastStart)}` : 'never run before';
  if (firstRunAt === 'now') return `Due now (${every}; ${last})`;
  return `Next run at ${formatTimestamp(firstRunAt)} (${every}; ${last})`;
}

/**
 * Runs one due job and schedules its next run one interval after this one started. Nothing it
 * throws stops the daemon: the job is marked as run and the loop goes on.
 */
async function runScheduledJob(entry: ScheduledJob, settings: SchedulerSettings): Promise<void> {
  const log = settings.log.child(entry.jobId);
  const startedAt = performance.now();
  entry.dueAt = startedAt + entry.intervalMs;

  try {
    const outcome = await runAndNotify(entry.job, settings, 'daemon');
    if (outcome.kind === 'busy') {
      log.warn(`Skipped this turn: already running in ${describeHolder(outcome.holder)}`);
    }
  } catch (error) {
    log.error(`Job could not run: ${errorMessage(error)}`);
    if (error instanceof Error && error.stack) log.debug(error.stack);
  }

  const finishedAt = performance.now();
  const next = formatWait(Math.max(0, entry.dueAt - finishedAt));
  log.debug(`Run ended after ${formatWait(finishedAt - startedAt)}; next run in ${next}`);
}

async function runAndNotify(
  job: JobConfig,
  settings: SchedulerSettings,
  role: 'daemon' | 'once',
): Promise<JobRunOutcome> {
  const outcome = await runLockedJob(job, { ...settings, role });

  if (outcome.kind === 'ran' && !settings.dryRun && shouldNotify(job.notifyOn, outcome.result)) {
    const notification = buildNotification({
      job,
      result: outcome.result,
      startedAt: outcome.startedAt,
      baseDir: settings.loaded.dir,
    });
    if (notification) settings.notifications.enqueue(notification);
  }
  return outcome;
}

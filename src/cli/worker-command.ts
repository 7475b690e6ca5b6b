import { createNotifier } from '../notify/create-notifier.js';
import { NotificationQueue } from '../notify/notification-queue.js';
import { UsageError } from '../worker/errors.js';
import type { JobResult } from '../worker/job-result.js';
import { keepProcessAlive } from '../worker/keep-alive.js';
import { MINUTE_ENV, MINUTE_MS, minuteLengthMs } from '../worker/minute-length.js';
import { acquireLock, describeHolder, workerLockPath } from '../worker/run-lock.js';
import { runDaemonLoop, runEachJobOnce, type SchedulerSettings } from '../worker/scheduler.js';
import { startGracePeriod } from '../worker/shutdown-grace.js';
import { handleShutdownSignals } from '../worker/shutdown.js';
import type { CommandInput } from './command.js';
import { ExitCode } from './exit-codes.js';
import { requireUsableStateFolder } from './state-folder.js';

/**
 * The daemon (no flags) or `--once`. One of them runs per config: both hold the worker lock
 * for as long as they run. On SIGINT or SIGTERM nothing new starts; the run and notifications
 * in flight get the grace period, then the lock is released.
 */
export async function runWorkerCommand(input: CommandInput): Promise<number> {
  const { cli, loaded, log } = input;
  const minuteMs = minuteLengthMs();
  const stateDir = await requireUsableStateFolder(loaded);
  const shutdown = handleShutdownSignals(log);
  const attempt = await acquireLock(workerLockPath(stateDir), cli.once ? 'once' : 'daemon', log);
  if (!attempt.acquired) {
    shutdown.dispose();
    throw new UsageError(
      `Another nexus-worker is already running for ${loaded.path}: ` +
        `${describeHolder(attempt.holder)}. Stop it first, or run one job with --job ID.`,
      ExitCode.busy,
    );
  }

  // Only now: a refused start must not first announce itself as starting.
  log.info('Starting Nexus Worker');
  if (minuteMs !== MINUTE_MS) {
    log.warn(`${MINUTE_ENV} is set: one interval minute lasts ${minuteMs} ms (for tests only)`);
  }

  const { lock } = attempt;
  shutdown.atExit(() => lock.releaseSync());
  const letExit = keepProcessAlive();
  const notifications = new NotificationQueue(createNotifier(loaded.config.notify), log);
  shutdown.atExit(() => notifications.stopNow());

  try {
    const { jobs } = loaded.config;
    log.info(`Loaded ${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'}`);
    log.debug(`State folder: ${stateDir}`);
    return await superviseWork(input, {
      loaded,
      stateDir,
      log,
      shutdown,
      dryRun: cli.dryRun,
      secrets: input.secrets,
      jobs,
      minuteMs,
      notifications,
    });
  } finally {
    notifications.stopNow();
    await lock.release();
    shutdown.dispose();
    letExit();
  }
}

/** Runs the jobs, then waits for the notifications; after a stop signal, only so long. */
async function superviseWork(input: CommandInput, settings: SchedulerSettings): Promise<number> {
  const { cli, loaded, log } = input;
  const { notifications, shutdown } = settings;
  const graceSeconds = loaded.config.shutdownGraceSeconds;
  const grace = startGracePeriod(shutdown.signal, graceSeconds * 1000);

  const work = cli.once ? runEachJobOnce(settings) : runDaemonLoop(settings).then(() => []);
  const finished = await grace.wait<JobResult[]>(work);
  if (!finished.done) {
    log.error(
      `A job was still running ${graceSeconds}s after the stop signal; stopping without it ` +
        '(files it had not finished stay in place for the next run)',
    );
    process.exit(ExitCode.failed);
  }
  if (cli.once) process.stdout.write(`${JSON.stringify(finished.value, null, 2)}\n`);

  const { pending } = notifications;
  if (pending > 0) log.info(`Waiting for ${pending} notification${pending === 1 ? '' : 's'}`);
  const sent = await grace.wait(notifications.idle());
  if (!sent.done) {
    log.warn(`Notifications still pending after the ${graceSeconds}s grace period: stopped them`);
    await notifications.cancel();
  }

  log.info(cli.once ? 'Finished' : 'Stopped');
  if (!cli.once) return ExitCode.ok;
  return finished.value.every((result) => result.success) ? ExitCode.ok : ExitCode.failed;
}

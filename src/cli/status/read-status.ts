import { access, constants, stat } from 'node:fs/promises';

import type { LoadedConfig } from '../../worker/load-config.js';
import type { Logger } from '../../worker/logger.js';
import { jobLockPath, workerLockPath } from '../../worker/run-lock.js';
import { readRunRecord } from '../../worker/state-store.js';
import { UsageError, errorCode, errorMessage } from '../../worker/errors.js';
import { evaluateJob, type JobStatus } from './job-status.js';
import { readLockState, runningHolder, type LockState } from './lock-state.js';

/** Everything `nexus-worker status` reports, read at one moment. */
export interface WorkerStatus {
  configPath: string;
  stateDir: string;
  now: Date;
  /** The worker lock: a daemon or `--once` run holds it while it runs. */
  worker: LockState;
  jobs: JobStatus[];
}

export interface ReadStatusOptions {
  loaded: LoadedConfig;
  stateDir: string;
  log: Logger;
  now: Date;
  minuteMs: number;
}

/** Reads the state folder and the locks; changes nothing, except setting aside a broken record. */
export async function readStatus(options: ReadStatusOptions): Promise<WorkerStatus> {
  const { loaded, stateDir, log, now, minuteMs } = options;
  await checkStateReadable(stateDir);

  const worker = await readLockState(workerLockPath(stateDir));
  const jobs: JobStatus[] = [];
  for (const job of loaded.config.jobs) {
    const lastRun = await readRunRecord(stateDir, job.id, log.child(job.id));
    const running = runningHolder(await readLockState(jobLockPath(stateDir, job.id)));
    jobs.push(evaluateJob({ job, lastRun, running, worker: runningHolder(worker), now, minuteMs }));
  }
  return { configPath: loaded.path, stateDir, now, worker, jobs };
}

/**
 * A state folder this user cannot read would make every job look as if it never ran: say so
 * instead. A missing one is fine: nothing has run yet.
 */
async function checkStateReadable(stateDir: string): Promise<void> {
  try {
    if (!(await stat(stateDir)).isDirectory()) {
      throw new UsageError(`State folder ${stateDir} is not a folder; fix stateDir in the config`);
    }
    await access(stateDir, constants.R_OK | constants.X_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (errorCode(error) === 'ENOENT') return;
    throw new UsageError(
      `State folder ${stateDir} cannot be read (${errorMessage(error)}); ` +
        'run status as the user the worker runs as',
    );
  }
}

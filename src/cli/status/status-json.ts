import type { LockHolder } from '../../worker/run-lock.js';
import type { JobStatus } from './job-status.js';
import type { WorkerStatus } from './read-status.js';

/**
 * `nexus-worker status --json`, for monitors: times in ISO form (UTC), `null` where there is
 * nothing, and `ok` false exactly when the exit status is 1.
 */
export function statusDocument(status: WorkerStatus): unknown {
  const problems = status.jobs.flatMap((job) => job.problems.map((text) => `${job.id}: ${text}`));
  return {
    ok: problems.length === 0,
    problems,
    checkedAt: status.now.toISOString(),
    config: status.configPath,
    stateDir: status.stateDir,
    worker: workerDocument(status),
    jobs: status.jobs.map(jobDocument),
  };
}

function workerDocument(status: WorkerStatus) {
  const { worker } = status;
  if (worker.kind === 'held') return { running: true, ...holderDocument(worker.holder) };
  if (worker.kind === 'unreadable') return { running: null, problem: worker.reason };
  return { running: false };
}

function jobDocument(job: JobStatus) {
  const { lastRun } = job;
  return {
    id: job.id,
    type: job.type,
    intervalMinutes: job.intervalMinutes,
    lastRun: lastRun
      ? {
          startedAt: lastRun.startedAt,
          finishedAt: lastRun.finishedAt,
          success: lastRun.result.success,
          message: lastRun.result.message,
          itemsProcessed: lastRun.result.itemsProcessed,
          errors: lastRun.result.errors,
        }
      : null,
    nextRunAt: job.nextRunAt?.toISOString() ?? null,
    dueNow: job.dueNow,
    overdue: job.overdue,
    running: job.running ? holderDocument(job.running) : null,
    problems: job.problems,
  };
}

function holderDocument(holder: LockHolder) {
  return { role: holder.role, pid: holder.pid, since: holder.since };
}

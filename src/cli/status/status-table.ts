import { formatTimestamp } from '../../worker/logger.js';
import { describeHolder } from '../../worker/run-lock.js';
import { formatDuration, formatRelative } from './durations.js';
import type { JobStatus } from './job-status.js';
import type { WorkerStatus } from './read-status.js';
import { printable } from '../printable.js';

const HEADINGS = ['JOB', 'LAST RUN', 'RESULT', 'ITEMS', 'NEXT RUN'];
/** ITEMS holds numbers: aligned on the right. */
const RIGHT_ALIGNED = new Set([3]);
const GAP = '  ';

/** `nexus-worker status` for people: who runs, then one row per job with its details below. */
export function renderStatusTable(status: WorkerStatus): string {
  const now = status.now.getTime();
  const rows = status.jobs.map((job) => rowOf(job, now));
  const widths = HEADINGS.map((heading, column) =>
    Math.max(heading.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const indent = ' '.repeat((widths[0] ?? 0) + GAP.length);

  const lines = [
    `Config: ${status.configPath}`,
    `State:  ${status.stateDir}`,
    `Worker: ${describeWorker(status)}`,
    '',
    alignRow(HEADINGS, widths),
  ];
  status.jobs.forEach((job, index) => {
    lines.push(alignRow(rows[index] ?? [], widths));
    for (const detail of detailsOf(job, now)) lines.push(`${indent}${printable(detail)}`);
  });

  lines.push('', ...problemLines(status.jobs));
  return `${lines.join('\n')}\n`;
}

function rowOf(job: JobStatus, now: number): string[] {
  const { lastRun } = job;
  if (!lastRun) return [job.id, 'never run', '-', '-', nextRunText(job, now)];

  const started = new Date(lastRun.startedAt);
  return [
    job.id,
    `${formatTimestamp(started)} (${formatRelative(now - started.getTime())})`,
    lastRun.result.success ? 'ok' : 'failed',
    String(lastRun.result.itemsProcessed),
    nextRunText(job, now),
  ];
}

function nextRunText(job: JobStatus, now: number): string {
  if (job.running) return 'running now';
  if (!job.nextRunAt) return 'due now';

  const due = job.nextRunAt.getTime();
  if (due <= now) return `due now (for ${formatDuration(now - due)})`;
  return `${formatTimestamp(job.nextRunAt)} (${formatRelative(now - due)})`;
}

function detailsOf(job: JobStatus, now: number): string[] {
  const details: string[] = [];
  if (job.lastRun) {
    const { startedAt, finishedAt, result } = job.lastRun;
    const took = formatDuration(Date.parse(finishedAt) - Date.parse(startedAt));
    details.push(`${result.message} (took ${took})`);
  }
  if (job.running) {
    const length = formatDuration(now - Date.parse(job.running.since));
    details.push(`running now: ${describeHolder(job.running)}, for ${length}`);
  }
  return details;
}

function describeWorker(status: WorkerStatus): string {
  const { worker } = status;
  switch (worker.kind) {
    case 'held':
      return describeHolder(worker.holder);
    case 'free':
      return 'not running';
    case 'stale':
      return `not running (pid ${worker.holder.pid} left its lock; the next start removes it)`;
    case 'unreadable':
      return `unknown: its lock file cannot be read (${worker.reason})`;
  }
}

function problemLines(jobs: JobStatus[]): string[] {
  const problems = jobs.flatMap((job) => job.problems.map((problem) => `${job.id}: ${problem}`));
  if (problems.length === 0) return ['All jobs are fine.'];

  const heading = problems.length === 1 ? '1 problem:' : `${problems.length} problems:`;
  return [heading, ...problems.map((problem) => `  ${printable(problem)}`)];
}

function alignRow(cells: string[], widths: number[]): string {
  const padded = cells.map((cell, column) => {
    const width = widths[column] ?? cell.length;
    return RIGHT_ALIGNED.has(column) ? cell.padStart(width) : cell.padEnd(width);
  });
  return padded.join(GAP).trimEnd();
}

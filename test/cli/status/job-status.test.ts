import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatDuration, formatRelative } from '../../../src/cli/status/durations.js';
import {
  OVERDUE_MARGIN_MINUTES,
  evaluateJob,
  type JobStatusInput,
} from '../../../src/cli/status/job-status.js';
import type { LockHolder } from '../../../src/worker/run-lock.js';
import type { JobRunRecord } from '../../../src/worker/state-store.js';

const MINUTE = 60_000;
const NOW = new Date('2026-02-06T14:00:00Z');
const INTERVAL = 15;

function minutesAgo(minutes: number): Date {
  return new Date(NOW.getTime() - minutes * MINUTE);
}

function lastRun(startedMinutesAgo: number, success = true): JobRunRecord {
  const startedAt = minutesAgo(startedMinutesAgo).toISOString();
  return {
    jobId: 'inbox',
    startedAt,
    finishedAt: startedAt,
    result: { jobId: 'inbox', success, message: 'Delivered 0', itemsProcessed: 0, errors: [] },
  };
}

function holder(role: LockHolder['role'], sinceMinutesAgo: number): LockHolder {
  return { pid: 4242, role, since: minutesAgo(sinceMinutesAgo).toISOString(), token: 'f00d' };
}

function evaluate(input: Partial<JobStatusInput>) {
  return evaluateJob({
    job: { id: 'inbox', type: 'webhook_pull', intervalMinutes: INTERVAL },
    lastRun: undefined,
    running: undefined,
    worker: undefined,
    now: NOW,
    minuteMs: MINUTE,
    ...input,
  });
}

/** Late by this many minutes past the due time. */
function lateBy(minutes: number): JobRunRecord {
  return lastRun(INTERVAL + minutes);
}

const THRESHOLD = INTERVAL + OVERDUE_MARGIN_MINUTES;

test('a job is overdue only past one whole interval plus the margin after its due time', () => {
  const inTime = evaluate({ lastRun: lastRun(INTERVAL - 1) });
  const late = evaluate({ lastRun: lateBy(THRESHOLD - 1) });
  const overdue = evaluate({ lastRun: lateBy(THRESHOLD + 1) });

  assert.deepEqual([inTime.dueNow, inTime.overdue, inTime.problems], [false, false, []]);
  assert.deepEqual(inTime.nextRunAt, minutesAgo(-1));
  assert.deepEqual([late.dueNow, late.overdue, late.problems], [true, false, []]);
  assert.deepEqual([overdue.dueNow, overdue.overdue], [true, true]);
  assert.deepEqual(overdue.problems, [
    `overdue by ${THRESHOLD + 1}m and no nexus-worker daemon is running: start it ` +
      '(or check whatever runs nexus-worker --once)',
  ]);
});

test('a failed last run is a problem even when the job is not late', () => {
  const failed = evaluate({ lastRun: lastRun(1, false) });

  assert.equal(failed.problems.length, 1);
  assert.match(failed.problems[0] ?? '', /^its last run \(\S+\) failed; see its message/);
});

test('a daemon that started after the due time is given an interval from its own start', () => {
  const stale = lateBy(3 * THRESHOLD);
  const freshDaemon = evaluate({ lastRun: stale, worker: holder('daemon', 1) });
  const stuckDaemon = evaluate({ lastRun: stale, worker: holder('daemon', THRESHOLD + 1) });

  assert.deepEqual([freshDaemon.dueNow, freshDaemon.overdue], [true, false]);
  assert.equal(stuckDaemon.overdue, true);
  assert.match(
    stuckDaemon.problems[0] ?? '',
    /^overdue by 21m although the daemon \(pid 4242, since \S+\) is running: it may be stuck/,
  );
});

test('a job that never ran is due now; under a daemon it is overdue once the daemon is', () => {
  const alone = evaluate({});
  const underDaemon = evaluate({ worker: holder('daemon', THRESHOLD + 1) });

  assert.deepEqual([alone.dueNow, alone.overdue, alone.nextRunAt], [true, false, undefined]);
  assert.equal(underDaemon.overdue, true);
});

test('a job running now is not due; a run lasting over twice its interval may be stuck', () => {
  const running = evaluate({ lastRun: lateBy(100), running: holder('job', 2) });
  const endlessRun = holder('daemon', INTERVAL + THRESHOLD + 1);
  const endless = evaluate({ lastRun: lateBy(100), running: endlessRun });

  assert.deepEqual([running.dueNow, running.overdue, running.problems], [false, false, []]);
  assert.deepEqual(running.nextRunAt, minutesAgo(2 - INTERVAL));
  assert.equal(endless.overdue, true);
  assert.match(
    endless.problems[0] ?? '',
    /^its run has lasted 36m, over twice its interval: it may be stuck; see the log of the daemon /,
  );
});

test('durations read as the two largest units, rounded down', () => {
  const second = 1000;
  const hour = 60 * MINUTE;
  const durations = [0, 999, 45 * second, 5 * MINUTE, 2 * hour + 5 * MINUTE + 59 * second];
  durations.push(27 * hour, 72 * hour);

  assert.deepEqual(durations.map(formatDuration), [
    'under 1s',
    'under 1s',
    '45s',
    '5m',
    '2h 5m',
    '1d 3h',
    '3d',
  ]);
  assert.equal(formatRelative(90 * second), '1m 30s ago');
  assert.equal(formatRelative(-90 * second), 'in 1m 30s');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { firstDueAt, formatWait, nextDue } from '../../src/worker/schedule.js';

const HOUR = 3_600_000;
const wallNow = Date.parse('2026-02-06T14:00:00Z');
const monotonicNow = 5000;

test('a job that never ran is due at once', () => {
  assert.equal(firstDueAt(HOUR, undefined, wallNow, monotonicNow), monotonicNow);
});

test('after a restart a job waits out the rest of its interval', () => {
  const lastRun = new Date(wallNow - 20 * 60_000);
  assert.equal(firstDueAt(HOUR, lastRun, wallNow, monotonicNow), monotonicNow + 40 * 60_000);
});

test('a job whose interval passed while the worker was down is due at once', () => {
  const lastRun = new Date(wallNow - 3 * HOUR);
  assert.equal(firstDueAt(HOUR, lastRun, wallNow, monotonicNow), monotonicNow);
});

test('a last run in the future (the clock was set back) counts as a run just now', () => {
  const lastRun = new Date(wallNow + 5 * HOUR);
  assert.equal(firstDueAt(HOUR, lastRun, wallNow, monotonicNow), monotonicNow + HOUR);
});

test('an unreadable last-run time counts as never run', () => {
  assert.equal(firstDueAt(HOUR, new Date('garbage'), wallNow, monotonicNow), monotonicNow);
});

test('the job due first goes next; on a tie, the one listed first', () => {
  const jobs = [
    { jobId: 'a', intervalMs: 1, dueAt: 30 },
    { jobId: 'b', intervalMs: 1, dueAt: 10 },
    { jobId: 'c', intervalMs: 1, dueAt: 10 },
  ];
  assert.equal(nextDue(jobs)?.jobId, 'b');
  assert.equal(nextDue([]), undefined);
});

test('waits read as whole seconds, or tenths below a second', () => {
  assert.equal(formatWait(60_000), '60s');
  assert.equal(formatWait(1_200), '2s');
  assert.equal(formatWait(200), '0.2s');
  assert.equal(formatWait(1), '0.1s');
});

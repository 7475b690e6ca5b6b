import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  isProcessAlive,
  isSameProcessRunning,
  processStartTime,
} from '../../src/worker/process-identity.js';

function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

test('this process is alive and is the process that started at its own start time', () => {
  assert.equal(isProcessAlive(process.pid), true);
  assert.equal(isSameProcessRunning(process.pid, processStartTime(process.pid)), true);
  assert.equal(isSameProcessRunning(0, undefined), false);
  assert.equal(isSameProcessRunning(-1, undefined), false);
});

test('an exited process that its parent has not reaped yet counts as gone', (t) => {
  if (!existsSync('/proc/self/stat')) return t.skip('no /proc on this system');
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid!;

  // Blocking the event loop keeps Node from reaping the child, so it stays a zombie.
  const deadline = Date.now() + 10_000;
  while (procState(pid) !== 'Z' && Date.now() < deadline) {
    // Busy-wait on purpose: any await would let Node reap the child.
  }

  assert.equal(procState(pid), 'Z', 'the child did not exit in time');
  assert.equal(isProcessAlive(pid), false);
});

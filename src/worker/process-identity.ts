import { readFileSync } from 'node:fs';

import { errorCode } from './errors.js';

/**
 * The fields of Linux's `/proc/<pid>/stat` from the third on (state, parent, …), or undefined
 * where there is no such file (no /proc, or no such process).
 */
function procStatFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The second field is the program name in parentheses and may itself hold spaces or ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * When a process started, in clock ticks since boot; undefined where there is no /proc.
 * Together with the pid it tells a live process from a later one given the same pid.
 */
export function processStartTime(pid: number): string | undefined {
  // Fields are numbered from 1 and the list starts at field 3; start time is field 22.
  return procStatFields(pid)?.[22 - 3];
}

/**
 * Whether a process with this pid is running (it may belong to another user). A zombie, one
 * that has exited but was not yet reaped by its parent, is not.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (errorCode(error) !== 'EPERM') return false;
  }
  return procStatFields(pid)?.[0] !== 'Z';
}

/** Whether the process that wrote `startTime` for `pid` is still the one running under it. */
export function isSameProcessRunning(pid: number, startTime: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return false;
  if (startTime === undefined) return true;

  const current = processStartTime(pid);
  return current === undefined || current === startTime;
}

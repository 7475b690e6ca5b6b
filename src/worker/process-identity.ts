import { readFileSync } from 'node:fs';

import { errorCode } from './errors.js';

/**
 * When a process started, in clock ticks since boot, from Linux's `/proc/<pid>/stat`; undefined
 * where there is no /proc. Together with the pid it tells a live process from a later one that
 * was given the same pid.
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }

  // The second field is the program name in parentheses and may itself hold spaces or ')'.
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields are numbered from 1 and the list starts at field 3; start time is field 22.
  return afterName[22 - 3];
}

/** Whether a process with this pid exists (it may belong to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** Whether the process that wrote `startTime` for `pid` is still the one running under it. */
export function isSameProcessRunning(pid: number, startTime: string | undefined): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return false;
  if (startTime === undefined) return true;

  const current = processStartTime(pid);
  return current === undefined || current === startTime;
}

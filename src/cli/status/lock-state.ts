import { readFile } from 'node:fs/promises';

import { errorCode, errorMessage } from '../../worker/errors.js';
import { isSameProcessRunning } from '../../worker/process-identity.js';
import type { LockHolder } from '../../worker/run-lock.js';

/** What a lock file says, read without taking the lock. */
export type LockState =
  | { kind: 'free' }
  | { kind: 'held'; holder: LockHolder }
  /** Left by a process that is gone; whoever takes the lock next removes it. */
  | { kind: 'stale'; holder: LockHolder }
  /** Being written this instant, damaged, or not readable by this user. */
  | { kind: 'unreadable'; reason: string };

/** Looks at a run lock (the worker's or a job's) and whether its holder still runs. */
export async function readLockState(file: string): Promise<LockState> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { kind: 'free' };
    return { kind: 'unreadable', reason: errorMessage(error) };
  }

  const holder = parseHolder(text);
  if (!holder) return { kind: 'unreadable', reason: 'not a lock written by nexus-worker' };
  const running = isSameProcessRunning(holder.pid, holder.processStart);
  return running ? { kind: 'held', holder } : { kind: 'stale', holder };
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    const valid =
      typeof value.pid === 'number' &&
      typeof value.role === 'string' &&
      typeof value.since === 'string' &&
      typeof value.token === 'string';
    return valid ? (value as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** The holder while it runs; undefined for a free, stale or unreadable lock. */
export function runningHolder(state: LockState): LockHolder | undefined {
  return state.kind === 'held' ? state.holder : undefined;
}

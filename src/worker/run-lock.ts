import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { TEMP_SUFFIX } from '../fs/durable.js';
import { errorCode, errorMessage } from './errors.js';
import { formatTimestamp, type Logger } from './logger.js';
import { isProcessAlive, isSameProcessRunning, processStartTime } from './process-identity.js';

/** Who holds a lock: the daemon, a `--once` pass, or a single `--job` run. */
export type LockRole = 'daemon' | 'once' | 'job';

/** What a lock file says about its holder. */
export interface LockHolder {
  pid: number;
  role: LockRole;
  /** ISO time the lock was taken. */
  since: string;
  /** The holder's start time from /proc, to notice a reused pid. */
  processStart?: string;
  /** Tells this holder's file from a later one at the same path. */
  token: string;
}

export interface HeldLock {
  readonly file: string;
  release(): Promise<void>;
  /** For a process 'exit' handler, where nothing asynchronous runs any more. */
  releaseSync(): void;
}

export type LockAttempt =
  | { acquired: true; lock: HeldLock }
  /** `holder` is undefined while another process is still writing its brand-new lock file. */
  | { acquired: false; holder: LockHolder | undefined };

/** A lock file with no readable content younger than this is someone's lock being written. */
const UNWRITTEN_LOCK_MS = 10_000;

/** The lock that lets one worker (daemon or `--once`) run per state folder. */
export function workerLockPath(stateDir: string): string {
  return path.join(stateDir, 'locks', 'worker.lock');
}

/** The lock a job's run holds, whichever process runs it. */
export function jobLockPath(stateDir: string, jobId: string): string {
  return path.join(stateDir, 'locks', `job-${jobId}.lock`);
}

/**
 * Takes the lock at `file`, created with O_EXCL. A lock whose holder is gone (its pid is not
 * running, or now belongs to a process that started later) is removed and taken over.
 */
export async function acquireLock(file: string, role: LockRole, log: Logger): Promise<LockAttempt> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const holder: LockHolder = {
    pid: process.pid,
    role,
    since: new Date().toISOString(),
    processStart: processStartTime(process.pid),
    token: randomBytes(8).toString('hex'),
  };

  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (await createLockFile(file, holder)) return { acquired: true, lock: heldLock(file, holder) };

    const current = await readHolder(file);
    if (current === 'gone') continue;
    if (current === 'unreadable') {
      if (await isRecent(file)) return { acquired: false, holder: undefined };
      log.warn(`Removed unreadable lock file ${file}`);
    } else if (isSameProcessRunning(current.pid, current.processStart)) {
      return { acquired: false, holder: current };
    } else {
      log.warn(`Removed stale lock ${file} of pid ${current.pid}, which is no longer running`);
    }
    await removeIfUnchanged(file, current);
  }
  return { acquired: false, holder: undefined };
}

/**
 * Writes the holder to a temp file and links it into place, so a lock file is never seen empty:
 * a process killed halfway leaves at most a temp file, which a later acquire removes.
 */
async function createLockFile(file: string, holder: LockHolder): Promise<boolean> {
  await removeOldTemps(path.dirname(file));
  const temp = lockTempPath(file);
  try {
    await writeFile(temp, `${JSON.stringify(holder)}\n`, { mode: 0o600, flag: 'wx' });
    await link(temp, file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw new Error(`Cannot create lock file ${file}: ${errorMessage(error)}`, { cause: error });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** `.<lock name>.<pid>.<random>.nexus-tmp`: the writer's pid tells whether it may still be busy. */
function lockTempPath(file: string): string {
  const suffix = `${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${suffix}`);
}

/**
 * Temp files of lock writers killed before they could clean up. One whose writer is gone goes at
 * once; one whose pid is alive, or that carries none, may be in use and goes once it is old.
 */
async function removeOldTemps(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.endsWith(TEMP_SUFFIX)) continue;
    const temp = path.join(dir, name);
    const writer = /\.(\d+)\.[0-9a-f]{12}\.nexus-tmp$/.exec(name)?.[1];
    const writerGone = writer !== undefined && !isProcessAlive(Number(writer));
    const age = await stat(temp).then((info) => Date.now() - info.mtimeMs, () => 0);
    if (writerGone || age > UNWRITTEN_LOCK_MS) await unlink(temp).catch(() => undefined);
  }
}

async function readHolder(file: string): Promise<LockHolder | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'gone';
    throw new Error(`Cannot read lock file ${file}: ${errorMessage(error)}`, { cause: error });
  }
  return parseHolder(text) ?? 'unreadable';
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || typeof value.token !== 'string') return undefined;
    return value as LockHolder;
  } catch {
    return undefined;
  }
}

async function isRecent(file: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs < UNWRITTEN_LOCK_MS;
  } catch {
    return false;
  }
}

/** Another process may have replaced the stale file meanwhile; its fresh lock must stay. */
async function removeIfUnchanged(file: string, seen: LockHolder | 'unreadable'): Promise<void> {
  const now = await readHolder(file);
  if (now === 'gone') return;
  const unchanged =
    seen === 'unreadable' ? now === 'unreadable' : now !== 'unreadable' && now.token === seen.token;
  if (unchanged) await unlink(file).catch(() => undefined);
}

function heldLock(file: string, holder: LockHolder): HeldLock {
  let released = false;
  const isOurs = (text: string) => parseHolder(text)?.token === holder.token;

  return {
    file,
    async release() {
      if (released) return;
      released = true;
      const text = await readFile(file, 'utf8').catch(() => '');
      if (isOurs(text)) await unlink(file).catch(() => undefined);
    },
    releaseSync() {
      if (released) return;
      released = true;
      try {
        if (isOurs(readFileSync(file, 'utf8'))) unlinkSync(file);
      } catch {
        // Already gone, or the folder went away: nothing is left to release.
      }
    },
  };
}

/** `the daemon (pid 4242, since 2026-02-06T14:00:00)`, for messages about a busy lock. */
export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return 'another nexus-worker process (its lock file is being written)';

  const what = { daemon: 'the daemon', once: 'a --once run', job: 'a --job run' }[holder.role];
  const since = formatTimestamp(new Date(holder.since));
  return `${what ?? 'another nexus-worker'} (pid ${holder.pid}, since ${since})`;
}

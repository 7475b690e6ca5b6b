import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, stat, utimes, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { createLogger } from '../../src/worker/logger.js';
import { processStartTime } from '../../src/worker/process-identity.js';
import {
  acquireLock,
  describeHolder,
  jobLockPath,
  workerLockPath,
  type LockHolder,
} from '../../src/worker/run-lock.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function recordingLogger() {
  const lines: string[] = [];
  return { lines, log: createLogger({ write: (line) => lines.push(line) }) };
}

/** The pid of a process that has certainly exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

async function writeHolder(file: string, holder: Partial<LockHolder>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const full = { role: 'daemon', since: '2026-02-06T14:00:00.000Z', token: 'theirs', ...holder };
  await writeFile(file, JSON.stringify(full));
}

test('a lock is taken once; the second attempt learns who holds it', async (t) => {
  const file = workerLockPath(await makeTempDir(t));
  const { log } = recordingLogger();

  const first = await acquireLock(file, 'daemon', log);
  const second = await acquireLock(file, 'once', log);

  assert.ok(first.acquired);
  assert.equal(second.acquired, false);
  assert.equal(second.acquired === false && second.holder?.pid, process.pid);
  assert.equal(second.acquired === false && second.holder?.role, 'daemon');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await stat(path.dirname(file))).mode & 0o777, 0o700);

  await first.lock.release();
  const third = await acquireLock(file, 'once', log);
  assert.ok(third.acquired, 'a released lock can be taken again');
  await third.lock.release();
});

test('a lock left by a process that is gone is removed and taken over', async (t) => {
  const file = jobLockPath(await makeTempDir(t), 'main-sessions');
  const pid = deadPid();
  await writeHolder(file, { pid });
  const { log, lines } = recordingLogger();

  const attempt = await acquireLock(file, 'job', log);

  assert.ok(attempt.acquired);
  assert.match(lines.join('\n'), new RegExp(`Removed stale lock .* of pid ${pid}`));
  const holder = JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  assert.equal(holder.pid, process.pid);
  await attempt.lock.release();
});

test('a live pid with another start time is a reused pid: the lock is stale', async (t) => {
  const file = workerLockPath(await makeTempDir(t));
  const ownStart = processStartTime(process.pid);
  if (ownStart === undefined) return t.skip('no /proc on this system');
  await writeHolder(file, { pid: process.pid, processStart: `${Number(ownStart) - 1}` });

  const attempt = await acquireLock(file, 'daemon', recordingLogger().log);

  assert.ok(attempt.acquired);
  await attempt.lock.release();
});

test('an unreadable lock file is busy while fresh, and removed once old', async (t) => {
  const file = workerLockPath(await makeTempDir(t));
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, '');
  const { log, lines } = recordingLogger();

  const fresh = await acquireLock(file, 'daemon', log);
  assert.deepEqual(fresh, { acquired: false, holder: undefined });

  const old = new Date(Date.now() - 60_000);
  await utimes(file, old, old);
  const later = await acquireLock(file, 'daemon', log);
  assert.ok(later.acquired);
  assert.match(lines.join('\n'), /Removed unreadable lock file/);
  await later.lock.release();
});

test('release leaves alone a lock that another process has taken since', async (t) => {
  const file = workerLockPath(await makeTempDir(t));
  const attempt = await acquireLock(file, 'daemon', recordingLogger().log);
  assert.ok(attempt.acquired);
  await writeHolder(file, { pid: process.pid, token: 'someone-else' });

  await attempt.lock.release();
  attempt.lock.releaseSync();

  assert.match(await readFile(file, 'utf8'), /someone-else/);
});

test('the holder is described by role, pid and local start time', () => {
  const since = new Date(2026, 1, 6, 14, 0, 0);
  const holder = { pid: 42, role: 'daemon', since: since.toISOString(), token: 't' } as const;
  assert.equal(describeHolder(holder), 'the daemon (pid 42, since 2026-02-06T14:00:00)');
  const job = describeHolder({ ...holder, role: 'job' });
  assert.equal(job, 'a --job run (pid 42, since 2026-02-06T14:00:00)');
});

test('a temp file of a lock writer that was killed goes at once; a live one stays', async (t) => {
  const dir = await makeTempDir(t);
  const file = jobLockPath(dir, 'main-sessions');
  await mkdir(path.dirname(file), { recursive: true });
  const lockName = path.basename(file);
  const orphan = path.join(path.dirname(file), `.${lockName}.${deadPid()}.0123456789ab.nexus-tmp`);
  const busy = path.join(path.dirname(file), `.${lockName}.${process.pid}.ba9876543210.nexus-tmp`);
  await writeFile(orphan, '');
  await writeFile(busy, '');

  const attempt = await acquireLock(file, 'job', recordingLogger().log);

  assert.ok(attempt.acquired);
  await attempt.lock.release();
  await assert.rejects(stat(orphan), { code: 'ENOENT' });
  assert.ok((await stat(busy)).isFile(), 'a temp file that may be in use must stay');
});

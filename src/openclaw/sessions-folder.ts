/**
 * Reads the entries of an OpenClaw sessions folder: one listing, then lstat only for the
 * entries that may be uploaded, so a folder of 20,000 files costs one readdir.
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

import { errorCode, errorMessage } from '../worker/errors.js';

const LSTAT_CONCURRENCY = 16;

/** Every entry of the folder, or an error that names it and says what to check. */
export async function listFolder(folder: string): Promise<Dirent[]> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new Error(describeListError(folder, error), { cause: error });
  }
}

function describeListError(folder: string, error: unknown): string {
  const where = `OpenClaw sessions folder ${folder}`;
  switch (errorCode(error)) {
    case 'ENOENT':
      return `${where} does not exist: check the sessions path in the job's args ` +
        '(OpenClaw uses <state dir>/agents/<agentId>/sessions) and that OpenClaw has run ' +
        'for this agent';
    case 'ENOTDIR':
      return `${where} is not a folder: point the job at agents/<agentId>/sessions`;
    case 'EACCES':
    case 'EPERM':
      return `${where} cannot be read (permission denied): OpenClaw creates its files ` +
        'for its own user only, so run the worker as that user';
    default:
      return `${where} cannot be listed: ${errorMessage(error)}`;
  }
}

/**
 * lstat of each entry, a few at a time, in no particular order. lstat never follows a
 * symbolic link; a failure is kept with its entry, not thrown.
 */
export async function examineEach<T extends { name: string }>(
  folder: string,
  entries: readonly T[],
): Promise<(T & { stat: Stats | Error })[]> {
  const examined: (T & { stat: Stats | Error })[] = [];
  let next = 0;

  async function worker(): Promise<void> {
    while (next < entries.length) {
      const entry = entries[next] as T;
      next += 1;
      const stat = await lstat(path.join(folder, entry.name)).catch(asError);
      examined.push({ ...entry, stat });
    }
  }

  const workerCount = Math.min(LSTAT_CONCURRENCY, entries.length);
  await Promise.all(Array.from({ length: workerCount }, worker));
  return examined;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function describeStatError(error: Error): string {
  if (errorCode(error) === 'ENOENT') return 'disappeared during the scan (renamed or removed)';
  return `could not be examined: ${error.message}`;
}

export function describeNonFile(entry: {
  isDirectory(): boolean;
  isSymbolicLink(): boolean;
}): string {
  if (entry.isDirectory()) return 'a folder, not a transcript file';
  if (entry.isSymbolicLink()) return 'a symbolic link; links are not followed';
  return 'not a regular file (socket, FIFO or device)';
}

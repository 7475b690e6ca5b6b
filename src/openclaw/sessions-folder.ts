/**
 * Reads the entries of an OpenClaw sessions folder: one listing, then lstat only for the
 * entries that may be uploaded, so a folder of 20,000 files costs one readdir.
 */
import { isUtf8 } from 'node:buffer';
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

import { errorCode, errorMessage } from '../worker/errors.js';
import { showNameBytes } from './name-bytes.js';

const LSTAT_CONCURRENCY = 16;

export interface FolderEntry {
  /** The name as text; one that is not UTF-8 is shown with its stray bytes as `\xNN`. */
  name: string;
  /**
   * False when the name's bytes are not UTF-8. Read as text, such a name would come back with
   * U+FFFD in place of those bytes: a name of no file, so it could be neither examined nor
   * uploaded under its own name.
   */
  nameIsUtf8: boolean;
  /** What readdir says the entry is; lstat confirms it before a file is read. */
  dirent: Dirent<Buffer>;
}

/**
 * Every entry of the folder, or an error that names it and says what to check. `configuredIn`
 * says where the folder's path is set (`args[0] of job "main-sessions"`), for that error.
 */
export async function listFolder(folder: string, configuredIn?: string): Promise<FolderEntry[]> {
  let dirents: Dirent<Buffer>[];
  try {
    dirents = await readdir(folder, { withFileTypes: true, encoding: 'buffer' });
  } catch (error) {
    throw new Error(describeListError(folder, error, configuredIn), { cause: error });
  }

  return dirents.map((dirent) => {
    const nameIsUtf8 = isUtf8(dirent.name);
    const name = nameIsUtf8 ? dirent.name.toString('utf8') : showNameBytes(dirent.name);
    return { name, nameIsUtf8, dirent };
  });
}

function describeListError(
  folder: string,
  error: unknown,
  configuredIn = "the sessions path in the job's args",
): string {
  const where = `OpenClaw sessions folder ${folder}`;
  const layout = '<state dir>/agents/<agentId>/sessions';
  switch (errorCode(error)) {
    case 'ENOENT':
      return `OpenClaw sessions folder not found: ${folder}; fix ${configuredIn} (OpenClaw ` +
        `keeps it in ${layout}), or start the agent once so OpenClaw creates it`;
    case 'ENOTDIR':
      return `${where} is not a folder; fix ${configuredIn}: point it at ${layout}`;
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

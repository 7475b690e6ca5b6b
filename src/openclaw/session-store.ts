/**
 * Reads OpenClaw's `sessions.json` to learn which transcript files are still active.
 *
 * The store is keyed by session key, not session id; the files are named by the values.
 * A store that cannot be read means "which files are active is unknown", never "none is":
 * a crash has left it at 0 bytes before, and treating that as empty would upload and move
 * the transcript OpenClaw is writing.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';

import { errorCode, errorMessage } from '../worker/errors.js';

export type StoreOutcome =
  | {
      known: true;
      /** Base names of the transcript files some entry refers to. */
      active: ReadonlySet<string>;
      /** How many session entries the store holds. */
      entries: number;
    }
  | {
      known: false;
      reason: string;
      /** No store at all: normal for an agent that never ran or a SQLite-era OpenClaw. */
      missing: boolean;
    };

/** Real stores have reached 114 MB; anything this large is not one worth parsing. */
export const MAX_STORE_BYTES = 512 * 1024 * 1024;

export interface ReadStoreOptions {
  maxBytes?: number;
}

/** Never throws: every failure becomes `{ known: false, reason }`. */
export async function readSessionStore(
  storePath: string,
  options: ReadStoreOptions = {},
): Promise<StoreOutcome> {
  const label = path.basename(storePath);
  const maxBytes = options.maxBytes ?? MAX_STORE_BYTES;

  let text: string;
  try {
    const loaded = await loadText(storePath, label, maxBytes);
    if (typeof loaded !== 'string') return loaded;
    // A byte-order mark from an editor on Windows is not JSON; V8 slices without copying.
    text = loaded.charCodeAt(0) === 0xfeff ? loaded.slice(1) : loaded;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return { known: false, reason: `${label} not found`, missing: true };
    }
    return unknown(`${label} could not be read: ${errorMessage(error)}`);
  }

  if (!/\S/.test(text)) return unknown(`${label} holds only whitespace`);

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return unknown(`${label} is not valid JSON (truncated?): ${errorMessage(error)}`);
  }

  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return unknown(`${label} holds ${describeJson(parsed)}, not an object of session entries`);
  }
  return activeFiles(parsed as Record<string, unknown>);
}

/** The file's text, or an outcome when its size alone rules it out. */
async function loadText(
  storePath: string,
  label: string,
  maxBytes: number,
): Promise<string | StoreOutcome> {
  // Without O_NONBLOCK, opening a FIFO waits for a writer: the run would hang, deaf to signals.
  const handle = await open(storePath, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return unknown(`${label} is not a regular file`);
    if (stats.size === 0) return unknown(`${label} is empty (0 bytes)`);
    if (stats.size > maxBytes) {
      const size = describeSize(stats.size);
      return unknown(`${label} is ${size}, over the ${describeSize(maxBytes)} this worker reads`);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

function activeFiles(store: Record<string, unknown>): StoreOutcome {
  const active = new Set<string>();
  let entries = 0;

  for (const entry of Object.values(store)) {
    if (!isObject(entry)) continue;
    entries += 1;

    const sessionFile = nonEmptyString(entry.sessionFile);
    const sessionId = nonEmptyString(entry.sessionId);
    if (sessionFile) active.add(baseName(sessionFile));
    else if (sessionId) active.add(`${sessionId}.jsonl`);

    for (const checkpointFile of checkpointFiles(entry.compactionCheckpoints)) {
      active.add(baseName(checkpointFile));
    }
  }
  return { known: true, active, entries };
}

function checkpointFiles(checkpoints: unknown): string[] {
  if (!Array.isArray(checkpoints)) return [];

  const files: string[] = [];
  for (const checkpoint of checkpoints) {
    if (!isObject(checkpoint) || !isObject(checkpoint.preCompaction)) continue;
    const file = nonEmptyString(checkpoint.preCompaction.sessionFile);
    if (file) files.push(file);
  }
  return files;
}

/**
 * The last segment of a path written on any machine. Windows' rules split on both `/` and `\`,
 * which is what a store copied from Windows or restored from another host needs; OpenClaw's
 * own file names never contain a backslash.
 */
function baseName(filePath: string): string {
  return path.win32.basename(filePath);
}

// OpenClaw trims sessionFile and falls back to `<sessionId>.jsonl` when nothing is left.
function nonEmptyString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function describeSize(bytes: number): string {
  const mebibyte = 1024 * 1024;
  if (bytes < mebibyte) return `${bytes} bytes`;
  return `${(bytes / mebibyte).toFixed(1)} MiB`;
}

function unknown(reason: string): StoreOutcome {
  return { known: false, reason, missing: false };
}

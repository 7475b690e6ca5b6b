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
import { UnchangedFileCache, type FileRead } from './unchanged-file-cache.js';

export type StoreOutcome =
  | {
      known: true;
      /** Base names of the transcript files some entry refers to. */
      active: ReadonlySet<string>;
      /** How many session entries the store holds. */
      entries: number;
      /** The store is unchanged since an earlier read in this process, so it was not parsed. */
      reused: boolean;
    }
  | {
      known: false;
      reason: string;
      /** No store at all: normal for an agent that never ran or a SQLite-era OpenClaw. */
      missing: boolean;
    };

type KnownStore = Extract<StoreOutcome, { known: true }>;

/** Real stores have reached 114 MB; anything this large is not one worth parsing. */
export const MAX_STORE_BYTES = 512 * 1024 * 1024;

export interface ReadStoreOptions {
  maxBytes?: number;
}

/**
 * What each store's last parse found: only the file names and the count, not the entries.
 * A store that is not provably unchanged is parsed again.
 */
const parsedStores = new UnchangedFileCache<KnownStore>();

/** Never throws: every failure becomes `{ known: false, reason }`. */
export async function readSessionStore(
  storePath: string,
  options: ReadStoreOptions = {},
): Promise<StoreOutcome> {
  const label = path.basename(storePath);
  const maxBytes = options.maxBytes ?? MAX_STORE_BYTES;

  let loaded: LoadedStore | StoreOutcome;
  try {
    loaded = await loadStore(storePath, label, maxBytes);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return { known: false, reason: `${label} not found`, missing: true };
    }
    return unknown(`${label} could not be read: ${errorMessage(error)}`);
  }
  if (!('text' in loaded)) return loaded;

  const outcome = parseStore(loaded.text, label);
  if (outcome.known) parsedStores.remember(storePath, loaded.read, outcome);
  return outcome;
}

interface LoadedStore {
  text: string;
  read: FileRead;
}

/**
 * The file's text, or an outcome without reading it: when its size alone rules it out, or when
 * it is unchanged since it was last parsed.
 */
async function loadStore(
  storePath: string,
  label: string,
  maxBytes: number,
): Promise<LoadedStore | StoreOutcome> {
  // Without O_NONBLOCK, opening a FIFO waits for a writer: the run would hang, deaf to signals.
  const handle = await open(storePath, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const startedMs = Date.now();
    const before = await handle.stat({ bigint: true });
    if (!before.isFile()) return unknown(`${label} is not a regular file`);
    if (before.size === 0n) return unknown(`${label} is empty (0 bytes)`);
    if (before.size > BigInt(maxBytes)) {
      const size = describeSize(Number(before.size));
      return unknown(`${label} is ${size}, over the ${describeSize(maxBytes)} this worker reads`);
    }

    const remembered = parsedStores.recall(storePath, before);
    if (remembered) return { ...remembered, reused: true };

    const text = await handle.readFile('utf8');
    const after = await handle.stat({ bigint: true });
    return { text, read: { startedMs, before, after } };
  } finally {
    await handle.close();
  }
}

function parseStore(loaded: string, label: string): StoreOutcome {
  // A byte-order mark from an editor on Windows is not JSON; V8 slices without copying.
  const text = loaded.charCodeAt(0) === 0xfeff ? loaded.slice(1) : loaded;
  // Not a regular expression: a match keeps its whole input alive (as RegExp.input) until the
  // next one, and this input can be 100 MB.
  if (text.trim() === '') return unknown(`${label} holds only whitespace`);

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

function activeFiles(store: Record<string, unknown>): KnownStore {
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
  return { known: true, active, entries, reused: false };
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

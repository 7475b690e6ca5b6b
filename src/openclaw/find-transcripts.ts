/**
 * Decides which files of an OpenClaw sessions folder are completed transcripts ready to upload.
 *
 * Reset and deleted archives are complete: OpenClaw renamed them. A plain or topic transcript
 * is complete only when the session store is readable and no entry refers to it. Either waits
 * while a `.lock` sits beside it or while it was modified within the settle time. This module
 * only reads; uploading and moving belong to the job that calls it.
 */
import type { Stats } from 'node:fs';
import path from 'node:path';

import { readSessionStore, type StoreOutcome } from './session-store.js';
import {
  describeNonFile,
  describeStatError,
  examineEach,
  listFolder,
  type FolderEntry,
} from './sessions-folder.js';
import {
  classifyName,
  isArchive,
  isTranscriptName,
  type TranscriptKind,
  type TranscriptName,
} from './transcript-name.js';

export interface TranscriptCandidate {
  /** File name inside the sessions folder. */
  name: string;
  /** Absolute path. */
  path: string;
  sessionId: string;
  kind: TranscriptKind;
  topic: string | undefined;
  archivedAt: string | undefined;
  compressed: boolean;
  size: number;
  mtimeMs: number;
}

/** A candidate held back this run; a later run looks at it again. */
export interface WaitingTranscript {
  candidate: TranscriptCandidate;
  reason: string;
}

/**
 * Why an entry is left alone: the store refers to it, the store is unreadable, OpenClaw owns
 * it, its name has no session id or is not UTF-8, it is not a regular file, or it vanished (or
 * could not be examined) between the listing and its lstat.
 */
export type SkipCategory =
  | 'active'
  | 'store-unknown'
  | 'ignored'
  | 'no-session-id'
  | 'name-not-utf8'
  | 'not-a-file'
  | 'gone';

export interface SkippedEntry {
  name: string;
  category: SkipCategory;
  reason: string;
}

export interface ScanResult {
  /** Absolute path of the folder scanned. */
  dir: string;
  /** Completed transcripts to upload, oldest modification first, then by name. */
  ready: TranscriptCandidate[];
  /** Sorted by name, as is `skipped`; together the three lists hold every entry once. */
  waiting: WaitingTranscript[];
  skipped: SkippedEntry[];
  /** Why plain transcripts were or were not considered. */
  store: StoreOutcome;
}

export interface ScanOptions {
  /** A candidate modified less than this long ago waits for a later run. */
  settleMs: number;
  /** Epoch milliseconds to judge the settle time against; the clock unless given. */
  now?: number;
  /** Where the folder's path is set, named when it cannot be listed: `args[0] of job "x"`. */
  configuredIn?: string;
}

const STORE_FILE = 'sessions.json';
const LOCK_SUFFIX = '.lock';
const NOT_UTF8 = 'its name is not valid UTF-8, so it cannot be uploaded under its own name; ' +
  'left alone: rename it (to UTF-8) to have it uploaded';

/** Throws when the folder cannot be listed; everything else is reported in the result. */
export async function scanSessionsFolder(dir: string, options: ScanOptions): Promise<ScanResult> {
  if (!Number.isFinite(options.settleMs) || options.settleMs < 0) {
    throw new Error(`settle time must be zero or more milliseconds, got ${options.settleMs}`);
  }
  const folder = path.resolve(dir);
  const entries = await listFolder(folder, options.configuredIn);
  const store = await readSessionStore(path.join(folder, STORE_FILE));

  const skipped: SkippedEntry[] = [];
  const candidates: { name: string; parsed: TranscriptName }[] = [];
  for (const entry of entries) {
    const verdict = judgeEntry(entry, store);
    if ('category' in verdict) skipped.push(verdict);
    else candidates.push({ name: entry.name, parsed: verdict });
  }

  const examined = await examineEach(folder, candidates);
  const now = options.now ?? Date.now();
  const names = new Set(entries.filter((entry) => entry.nameIsUtf8).map((entry) => entry.name));
  const ready: TranscriptCandidate[] = [];
  const waiting: WaitingTranscript[] = [];

  for (const { name, parsed, stat } of examined) {
    if (stat instanceof Error) {
      skipped.push({ name, category: 'gone', reason: describeStatError(stat) });
      continue;
    }
    if (!stat.isFile()) {
      skipped.push({ name, category: 'not-a-file', reason: describeNonFile(stat) });
      continue;
    }

    const candidate = toCandidate(folder, name, parsed, stat);
    const reason = waitReason(candidate, names, now, options.settleMs);
    if (reason) waiting.push({ candidate, reason });
    else ready.push(candidate);
  }

  ready.sort((a, b) => a.mtimeMs - b.mtimeMs || byName(a, b));
  waiting.sort((a, b) => byName(a.candidate, b.candidate));
  skipped.sort(byName);
  return { dir: folder, ready, waiting, skipped, store };
}

/** A transcript worth a closer look, or why the entry is left alone. */
function judgeEntry(entry: FolderEntry, store: StoreOutcome): TranscriptName | SkippedEntry {
  const { name, dirent } = entry;
  if (!dirent.isFile()) return { name, category: 'not-a-file', reason: describeNonFile(dirent) };
  if (!entry.nameIsUtf8) return { name, category: 'name-not-utf8', reason: NOT_UTF8 };

  const parsed = classifyName(name);
  if (parsed.kind === 'no-session-id') {
    return { name, category: 'no-session-id', reason: parsed.reason };
  }
  if (!isTranscriptName(parsed)) return { name, category: 'ignored', reason: parsed.reason };
  if (isArchive(parsed.kind)) return parsed;

  if (!store.known) {
    const reason = `${store.reason}, so which transcripts are active is unknown; left alone`;
    return { name, category: 'store-unknown', reason };
  }
  if (store.active.has(name)) {
    return { name, category: 'active', reason: `${STORE_FILE} refers to it: still active` };
  }
  return parsed;
}

function toCandidate(
  folder: string,
  name: string,
  parsed: TranscriptName,
  stat: Stats,
): TranscriptCandidate {
  return {
    name,
    path: path.join(folder, name),
    sessionId: parsed.sessionId,
    kind: parsed.kind,
    topic: parsed.topic,
    archivedAt: parsed.archivedAt,
    compressed: parsed.compressed,
    size: stat.size,
    mtimeMs: stat.mtimeMs,
  };
}

function waitReason(
  candidate: TranscriptCandidate,
  names: ReadonlySet<string>,
  now: number,
  settleMs: number,
): string | undefined {
  const lockName = `${candidate.name}${LOCK_SUFFIX}`;
  if (names.has(lockName)) return `${lockName} exists: a writer holds the file`;

  const age = now - candidate.mtimeMs;
  if (age >= settleMs) return undefined;
  const settle = formatDuration(settleMs);
  if (age < 0) {
    return `modified ${formatDuration(-age)} in the future (clock change?); waits until ` +
      `unchanged for ${settle}`;
  }
  return `modified ${formatDuration(age)} ago; waits until unchanged for ${settle}`;
}

/** Rounded down, so an age is never shown as reaching the settle time before it does. */
function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.floor(ms)} ms`;
  const totalSeconds = Math.floor(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes === 0) return `${seconds} s`;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

function byName(a: { name: string }, b: { name: string }): number {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}

/**
 * Builds OpenClaw sessions folders for tests: transcripts with chosen ages, a session store,
 * and a snapshot of a folder to prove what a run left untouched.
 */
import { createHash, randomUUID } from 'node:crypto';
import { lstat, readFile, readdir, readlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** An archive time as OpenClaw writes it into a file name: ISO time with `:` turned into `-`. */
export const ARCHIVE_TIME = '2026-06-03T22-45-31.372Z';

export function newSessionId(): string {
  return randomUUID();
}

/** A fresh session id for each name: `const id = sessionIdsFor('reset', 'orphan'); id.reset`. */
export function sessionIdsFor<Name extends string>(...names: Name[]): Record<Name, string> {
  return Object.fromEntries(names.map((name) => [name, randomUUID()])) as Record<Name, string>;
}

export function archiveName(
  sessionId: string,
  kind: 'reset' | 'deleted',
  time = ARCHIVE_TIME,
): string {
  return `${sessionId}.jsonl.${kind}.${time}`;
}

/** A short JSONL transcript: OpenClaw's header line, then one message line per text. */
export function transcriptText(sessionId: string, ...texts: string[]): string {
  const header = {
    type: 'session',
    version: 3,
    id: sessionId,
    timestamp: '2026-06-01T11:38:53.833Z',
    cwd: '/home/ada/.openclaw/workspace',
  };
  const messages = texts.map((text, index) => ({
    type: 'message',
    id: `m${index}`,
    message: { role: index % 2 === 0 ? 'user' : 'assistant', content: [{ type: 'text', text }] },
  }));
  return [header, ...messages].map((line) => `${JSON.stringify(line)}\n`).join('');
}

/**
 * Writes a file last modified `ageMs` ago (whole seconds, so the time reads back exactly) and
 * answers its path. The default age is well past the worker's default settle time.
 */
export async function writeAged(
  dir: string,
  name: string,
  content: string | Uint8Array,
  ageMs = HOUR,
): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  await setAge(file, ageMs);
  return file;
}

export async function setAge(file: string, ageMs: number): Promise<void> {
  const seconds = Math.floor((Date.now() - ageMs) / 1000);
  await utimes(file, seconds, seconds);
}

/** Writes `sessions.json`; `entries` is keyed by session key, as OpenClaw's store is. */
export async function writeSessionStore(
  dir: string,
  entries: Record<string, unknown>,
): Promise<void> {
  await writeAged(dir, 'sessions.json', `${JSON.stringify(entries, null, 2)}\n`);
}

export type EntrySnapshot =
  | { type: 'file'; size: number; mtimeMs: number; sha256: string }
  | { type: 'symlink'; target: string }
  | { type: 'folder'; entries: FolderSnapshot }
  | { type: 'other' };

export type FolderSnapshot = Record<string, EntrySnapshot>;

/** What a folder holds, recursively, without following links: compare two to see a change. */
export async function snapshotFolder(dir: string): Promise<FolderSnapshot> {
  const snapshot: FolderSnapshot = {};
  for (const name of (await readdir(dir)).sort()) {
    snapshot[name] = await snapshotEntry(path.join(dir, name));
  }
  return snapshot;
}

async function snapshotEntry(file: string): Promise<EntrySnapshot> {
  const stats = await lstat(file);
  if (stats.isSymbolicLink()) return { type: 'symlink', target: await readlink(file) };
  if (stats.isDirectory()) return { type: 'folder', entries: await snapshotFolder(file) };
  if (!stats.isFile()) return { type: 'other' };

  const sha256 = createHash('sha256').update(await readFile(file)).digest('hex');
  return { type: 'file', size: stats.size, mtimeMs: stats.mtimeMs, sha256 };
}

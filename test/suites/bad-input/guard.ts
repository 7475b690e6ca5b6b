/**
 * The checks every bad-input case ends with: the API key is nowhere in what the worker wrote,
 * and what the worker created is for its owner only.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { lstat, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

export interface FolderEntry {
  path: string;
  mode: number;
  kind: 'file' | 'folder' | 'other';
}

/** Every entry under `dir`, the folder itself first; none when it does not exist. */
export async function walk(dir: string): Promise<FolderEntry[]> {
  let stats;
  try {
    stats = await lstat(dir);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }

  const kind = stats.isDirectory() ? 'folder' : stats.isFile() ? 'file' : 'other';
  const entries: FolderEntry[] = [{ path: dir, mode: stats.mode & 0o777, kind }];
  if (kind !== 'folder') return entries;

  for (const name of (await readdir(dir)).sort()) {
    entries.push(...(await walk(path.join(dir, name))));
  }
  return entries;
}

/** How many characters of the key in a row count as a leak: a quoted snippet is one. */
export const KEY_FRAGMENT = 8;

/** The first run of KEY_FRAGMENT characters of `key` found in `text`, if any. */
export function keyFragmentIn(text: string, key: string): string | undefined {
  for (let start = 0; start + KEY_FRAGMENT <= key.length; start += 1) {
    const fragment = key.slice(start, start + KEY_FRAGMENT);
    if (text.includes(fragment)) return fragment;
  }
  return undefined;
}

/** Neither the key nor any KEY_FRAGMENT characters of it in a row are in `text`. */
export function assertNoKeyIn(text: string, key: string, where: string): void {
  const fragment = keyFragmentIn(text, key);
  assert.equal(fragment, undefined, `part of the API key ("${fragment}") is in ${where}`);
}

/** The key, or a piece of it, in no file under `dir`. */
export async function assertKeyNowhere(dir: string, key: string): Promise<void> {
  for (const entry of await walk(dir)) {
    if (entry.kind !== 'file') continue;
    assertNoKeyIn((await readFile(entry.path)).toString('utf8'), key, entry.path);
  }
}

/** Files 0600 and folders 0700 under `dir`, `dir` included: nobody else may read or list them. */
export async function assertOwnerOnly(dir: string): Promise<void> {
  const entries = await walk(dir);
  assert.ok(entries.length > 0, `${dir} does not exist`);
  for (const entry of entries) {
    const expected = entry.kind === 'folder' ? 0o700 : 0o600;
    assert.equal(
      entry.mode,
      expected,
      `${entry.path} has mode ${entry.mode.toString(8)}, expected ${expected.toString(8)}`,
    );
  }
}

/** A key no file holds by chance: not hex, unlike the hashes and ids in state files. */
export function testKey(): string {
  return `key-${randomBytes(18).toString('base64url')}`;
}

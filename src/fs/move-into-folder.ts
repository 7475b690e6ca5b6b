import { constants } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

import { errorCode } from '../worker/errors.js';
import { TEMP_SUFFIX, fsyncDir, tempPathFor } from './durable.js';
import { hashFile } from './file-hash.js';
import { pathExists } from './path-exists.js';

export type MoveOutcome =
  /** The file now lives at `target`. */
  | { kind: 'moved'; target: string }
  /** `target` already held the same bytes, so the source was removed. */
  | { kind: 'already-there'; target: string };

const MAX_NAME_TRIES = 100;

/** The longest file name most file systems take; a `.dup-` name is cut to fit it. */
const MAX_NAME_BYTES = 255;

/**
 * Moves `source` into `folder` without ever overwriting or losing a file. A taken name with the
 * same bytes counts as done; a taken name with other bytes gets `.dup-<sha>` added. Within one
 * file system this is link then unlink; across file systems copy, fsync, link into place, unlink.
 * A crash at any point leaves the file in the source folder, the archive, or both (then the next
 * move finds identical bytes and removes the source).
 */
export async function moveIntoFolder(source: string, folder: string): Promise<MoveOutcome> {
  await mkdir(folder, { recursive: true, mode: 0o700 });

  const name = path.basename(source);
  let sourceHash: string | undefined;
  let staged: string | undefined;

  try {
    let attempt = 0;
    while (attempt < MAX_NAME_TRIES) {
      const suffix = attempt === 0 ? '' : await duplicateSuffix(attempt);
      const kept = cutToBytes(name, MAX_NAME_BYTES - suffix.length);
      const target = path.join(folder, `${kept}${suffix}`);
      const result = await placeAt(staged ?? source, target);

      if (result === 'cross-device') {
        if (staged) throw new Error(`cannot link ${staged} within ${folder}`);
        staged = await stageCopy(source, folder);
        continue;
      }

      if (result === 'placed') {
        await fsyncDir(folder);
        await removeSource(source);
        return { kind: 'moved', target };
      }

      sourceHash ??= await hashFile(source);
      if ((await hashFile(target)) === sourceHash) {
        await removeSource(source);
        return { kind: 'already-there', target };
      }
      attempt += 1;
    }
  } finally {
    if (staged) await unlink(staged).catch(() => undefined);
  }

  throw new Error(`no free name for ${name} in ${folder} after ${MAX_NAME_TRIES} tries`);

  async function duplicateSuffix(attempt: number): Promise<string> {
    sourceHash ??= await hashFile(source);
    const short = sourceHash.slice(0, 12);
    return attempt === 1 ? `.dup-${short}` : `.dup-${short}-${attempt}`;
  }
}

/** Links `from` at `target` unless the name is taken; falls back to rename where links fail. */
async function placeAt(from: string, target: string): Promise<'placed' | 'taken' | 'cross-device'> {
  try {
    await link(from, target);
    return 'placed';
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return 'taken';
    if (code === 'EXDEV') return 'cross-device';
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK' && code !== 'ENOSYS') {
      throw error;
    }
  }

  // No hard links here (some network and FUSE file systems): check, then rename.
  if (await pathExists(target)) return 'taken';
  try {
    await rename(from, target);
    return 'placed';
  } catch (error) {
    if (errorCode(error) === 'EXDEV') return 'cross-device';
    throw error;
  }
}

/** A synced copy inside the archive folder, under a temp name, ready to be linked into place. */
async function stageCopy(source: string, folder: string): Promise<string> {
  // A short fixed base: the source's own name plus the temp parts could pass 255 bytes.
  const staged = tempPathFor(path.join(folder, 'archive-copy'));
  await copyFile(source, staged, constants.COPYFILE_EXCL);

  const handle = await open(staged, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  return staged;
}

/** The longest start of `name` that fits in `maxBytes` of UTF-8, never splitting a character. */
function cutToBytes(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;

  let bytes = 0;
  let end = 0;
  for (const char of name) {
    bytes += Buffer.byteLength(char);
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return name.slice(0, end);
}

async function removeSource(source: string): Promise<void> {
  try {
    await unlink(source);
  } catch (error) {
    // A rename fallback already took it away.
    if (errorCode(error) !== 'ENOENT') throw error;
  }
  await fsyncDir(path.dirname(source));
}

/** Removes temp files that a crashed run left in `folder`; returns how many. */
export async function removeStaleTemps(folder: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 0;
    throw error;
  }

  const stale = names.filter((name) => name.startsWith('.') && name.endsWith(TEMP_SUFFIX));
  for (const name of stale) await unlink(path.join(folder, name)).catch(() => undefined);
  return stale.length;
}

import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

import { errorCode } from '../worker/errors.js';

/** Every temp file this project makes ends so; a crash may leave one; a later run removes it. */
export const TEMP_SUFFIX = '.nexus-tmp';

export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const name = path.basename(target);
  return path.join(dir, `.${name}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

/** Makes a rename or unlink in `dir` survive a power loss. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    // Some file systems (and Windows) refuse to open or sync a folder; the data itself is synced.
    const code = errorCode(error);
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP') {
      throw error;
    }
  } finally {
    await handle?.close();
  }
}

export interface AtomicWriteOptions {
  /** Permission bits of a new file; owner-only unless said otherwise. */
  mode?: number;
}

/**
 * Writes `data` to `target` so that a reader sees the old file or the whole new one, never a
 * part: temp file in the same folder, fsync, rename over the target, fsync the folder.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const temp = tempPathFor(target);
  const handle = await open(temp, 'wx', options.mode ?? 0o600);

  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await rename(temp, target);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }

  await fsyncDir(path.dirname(target));
}

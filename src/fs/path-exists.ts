import { lstat } from 'node:fs/promises';

import { errorCode } from '../worker/errors.js';

/** Whether anything (a file, folder or link, followed or not) is at `file`. */
export async function pathExists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

import { readdir } from 'node:fs/promises';

import { errorMessage } from '../../worker/errors.js';

/**
 * The inbox's names, read once per run, so that choosing names for thousands of items costs no
 * look-up on disk for the names nothing holds. Names are compared the way a case- and
 * Unicode-folding file system (APFS, NTFS) might compare them: a name that could clash with one
 * in the folder is then looked at on disk, never assumed free. A false alarm costs one lstat.
 *
 * The listing can go stale while the run writes; the check right before each rename is what
 * keeps a file from being overwritten.
 */
export class InboxListing {
  private readonly keys: Set<string>;

  private constructor(names: readonly string[]) {
    this.keys = new Set(names.map(lookalikeKey));
  }

  static async read(inbox: string): Promise<InboxListing> {
    try {
      return new InboxListing(await readdir(inbox));
    } catch (error) {
      const hint = 'check that the worker may read the folder';
      throw new Error(`cannot list the inbox folder ${inbox}: ${errorMessage(error)}; ${hint}`);
    }
  }

  /** False only when nothing in the folder can answer to `name`, as far as this run knows. */
  mayHold(name: string): boolean {
    return this.keys.has(lookalikeKey(name));
  }

  /** Notes a name this run is about to put a file under. */
  add(name: string): void {
    this.keys.add(lookalikeKey(name));
  }
}

/** One key for names that a folding file system may take for the same name. */
function lookalikeKey(name: string): string {
  return name.normalize('NFKD').toUpperCase().toLowerCase();
}

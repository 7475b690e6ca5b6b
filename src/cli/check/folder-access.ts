import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';

import { errorCode, errorMessage } from '../../worker/errors.js';

/** What the worker does in a folder: reads and changes its files, only adds files, or goes in. */
export type FolderUse = 'read-write' | 'write' | 'enter';

const ACCESS_MODE: Record<FolderUse, number> = {
  'read-write': constants.R_OK | constants.W_OK | constants.X_OK,
  write: constants.W_OK | constants.X_OK,
  enter: constants.X_OK,
};

/** Completed by who: `is not writable by this user (uid 1000)`. */
const REFUSAL: Record<FolderUse, string> = {
  'read-write': 'is not readable and writable by',
  write: 'is not writable by',
  enter: 'cannot be opened by',
};

/** Why a folder cannot be used; `wrong-path` calls for a config fix, not for rights. */
export interface Unusable {
  kind: 'unusable';
  reason: string;
  cause: 'wrong-path' | 'rights';
}

export type FolderFinding = { kind: 'usable' } | { kind: 'missing' } | Unusable;

/** Whether this user can use `dir` so: `unusable` says why, naming the owner when it differs. */
export async function inspectFolder(dir: string, use: FolderUse): Promise<FolderFinding> {
  let owner: number;
  try {
    const stats = await stat(dir);
    if (!stats.isDirectory()) {
      return { kind: 'unusable', reason: 'is not a folder', cause: 'wrong-path' };
    }
    owner = stats.uid;
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { kind: 'missing' };
    const cause = code === 'EACCES' || code === 'EPERM' ? 'rights' : 'wrong-path';
    return { kind: 'unusable', reason: `cannot be looked at: ${errorMessage(error)}`, cause };
  }

  try {
    await access(dir, ACCESS_MODE[use]);
    return { kind: 'usable' };
  } catch (error) {
    if (errorCode(error) === 'EROFS') {
      const reason = 'is on a read-only file system (under systemd: not in ReadWritePaths=)';
      return { kind: 'unusable', reason, cause: 'wrong-path' };
    }
    const whose = owner === currentUid() ? '' : `; it belongs to uid ${owner}`;
    return { kind: 'unusable', reason: `${REFUSAL[use]} ${whoAmI()}${whose}`, cause: 'rights' };
  }
}

export type CreatableFinding =
  | { kind: 'usable' }
  /** Missing, and the worker can create it inside `parent`. */
  | { kind: 'creatable'; parent: string }
  | Unusable;

/** For a folder the worker makes when it is missing (an archive, an inbox, the state folder). */
export async function inspectCreatableFolder(dir: string): Promise<CreatableFinding> {
  const finding = await inspectFolder(dir, 'write');
  if (finding.kind !== 'missing') return finding;

  let parent = path.dirname(dir);
  for (;;) {
    const above = await inspectFolder(parent, 'write');
    if (above.kind === 'usable') return { kind: 'creatable', parent };
    if (above.kind === 'unusable') {
      const reason = `does not exist and cannot be made: ${parent} ${above.reason}`;
      return { ...above, reason };
    }

    const next = path.dirname(parent);
    if (next === parent) {
      return { kind: 'unusable', reason: 'has no existing parent folder', cause: 'wrong-path' };
    }
    parent = next;
  }
}

/** Who the owner of a folder is compared with. Undefined where there are no uids (Windows). */
export function currentUid(): number | undefined {
  return process.getuid?.();
}

export function whoAmI(): string {
  const uid = currentUid();
  return uid === undefined ? 'this user' : `this user (uid ${uid})`;
}

import path from 'node:path';

import { UsageError } from '../worker/errors.js';
import type { LoadedConfig } from '../worker/load-config.js';
import { jobStateDir, resolveStateDir } from '../worker/state-dir.js';
import {
  inspectCreatableFolder,
  inspectFolder,
  type CreatableFinding,
  type Unusable,
} from './check/folder-access.js';

/** As a creatable folder, except that an unusable one may be a folder inside the state folder. */
export type StateFolderFinding =
  | Exclude<CreatableFinding, Unusable>
  | (Unusable & { folder: string });

/**
 * Whether this user can use the state folder and what is already in it: records, locks and
 * ledgers the worker rewrites. A folder made by another user (a first run as root) is the
 * usual reason it cannot.
 */
export async function inspectStateFolder(
  stateDir: string,
  jobIds: readonly string[],
): Promise<StateFolderFinding> {
  const finding = await inspectCreatableFolder(stateDir);
  if (finding.kind === 'unusable') return { ...finding, folder: stateDir };
  if (finding.kind === 'creatable') return finding;

  const inside = ['runs', 'locks', 'jobs'].map((name) => path.join(stateDir, name));
  inside.push(...jobIds.map((jobId) => jobStateDir(stateDir, jobId)));
  for (const folder of inside) {
    const found = await inspectFolder(folder, 'read-write');
    if (found.kind === 'unusable') return { ...found, folder };
  }
  return finding;
}

/**
 * The state folder of the config, checked before a run: every run takes its locks and saves
 * its records there, so a folder this user cannot use is refused before anything is uploaded,
 * moved or delivered, with a message instead of a stack trace from deep inside a run.
 */
export async function requireUsableStateFolder(loaded: LoadedConfig): Promise<string> {
  const stateDir = resolveStateDir(loaded);
  const jobIds = loaded.config.jobs.map((job) => job.id);
  const finding = await inspectStateFolder(stateDir, jobIds);
  if (finding.kind !== 'unusable') return stateDir;

  const elsewhere = loaded.config.stateDir
    ? `set "stateDir" in ${loaded.path} to a folder this user can write`
    : `set "stateDir" in ${loaded.path} (or XDG_STATE_HOME) to a folder this user can write`;
  const { folder, reason } = finding;
  if (finding.cause === 'wrong-path') {
    throw new UsageError(`State folder ${folder} ${reason}: ${elsewhere}. Nothing was run.`);
  }

  const problem = reason.includes('permission denied')
    ? `${folder} ${reason}`
    : `${folder}: permission denied (it ${reason})`;
  throw new UsageError(
    `State folder ${problem}. Run the worker as one user and give the folder to that user ` +
      `(chown -R), or ${elsewhere}. Nothing was run.`,
  );
}

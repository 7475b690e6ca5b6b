import { execFileSync } from 'node:child_process';

import { DIST_DIR, REPO_ROOT } from '../paths.js';

export interface BuildInfo {
  /** The build measured. */
  dist: string;
  /** The checked-out commit, and whether tracked files differ from it: dist/ may not match it. */
  commit: string | undefined;
  uncommittedChanges: boolean | undefined;
}

/** Which code the figures belong to, so results from two runs can be compared fairly. */
export function buildInfo(): BuildInfo {
  const status = git(['status', '--porcelain', '--untracked-files=no']);
  return {
    dist: DIST_DIR,
    commit: git(['rev-parse', '--short', 'HEAD']),
    uncommittedChanges: status === undefined ? undefined : status !== '',
  };
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: 'pipe' }).trim();
  } catch {
    return undefined;
  }
}

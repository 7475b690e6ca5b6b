import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';

import type { LoadedConfig } from './load-config.js';

/**
 * The state folder of a config: the config's `stateDir`, or one folder per config file under
 * `$XDG_STATE_HOME/nexus-worker` (`~/.local/state/nexus-worker`), so two configs never share state.
 */
export function resolveStateDir(loaded: LoadedConfig, env = process.env): string {
  if (loaded.config.stateDir) return path.resolve(loaded.dir, loaded.config.stateDir);

  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state');
  const name = path.basename(loaded.path, path.extname(loaded.path));
  const hash = createHash('sha256').update(loaded.path).digest('hex').slice(0, 8);
  return path.join(base, 'nexus-worker', `${name}-${hash}`);
}

/** A job's own folder inside the state folder. */
export function jobStateDir(stateDir: string, jobId: string): string {
  return path.join(stateDir, 'jobs', jobId);
}

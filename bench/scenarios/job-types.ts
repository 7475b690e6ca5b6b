/**
 * Whether the build in dist/ knows a job type. Scenarios for job types that are still being
 * written report "not available" instead of failing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { DIST_DIR } from '../paths.js';

interface RegistryModule {
  findJobType(type: string): unknown;
}

const REGISTRY = pathToFileURL(path.join(DIST_DIR, 'jobs', 'registry.js'));

export async function hasJobType(type: string): Promise<boolean> {
  if (!existsSync(REGISTRY)) return false;
  const registry = (await import(REGISTRY.href)) as RegistryModule;
  return registry.findJobType(type) !== undefined;
}

import { writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Retries that finish in milliseconds, so tests of flaky servers stay fast. */
export const FAST_RETRY = { retries: 2, minDelaySeconds: 0.01, maxDelaySeconds: 0.02 };

/**
 * Writes a worker config as `config.json` in `dir` and answers its path. The file is made
 * owner-only, as users are told to, so the worker logs no permission warning about it.
 */
export async function writeWorkerConfig(
  dir: string,
  config: Record<string, unknown>,
): Promise<string> {
  const file = path.join(dir, 'config.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return file;
}

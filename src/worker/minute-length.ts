import { UsageError } from './errors.js';

export const MINUTE_MS = 60_000;

/** Shortens every interval minute, so tests can watch a daemon run jobs on its schedule. */
export const MINUTE_ENV = 'NEXUS_WORKER_MINUTE_MS';

/** How long one `intervalMinutes` minute lasts: 60 s, or the test override in the environment. */
export function minuteLengthMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[MINUTE_ENV];
  if (text === undefined || text === '') return MINUTE_MS;

  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new UsageError(`${MINUTE_ENV} must be a whole number of milliseconds, not "${text}"`);
  }
  return value;
}

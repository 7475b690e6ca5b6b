import { mkdir, readFile, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import { TEMP_SUFFIX, writeFileAtomic } from '../fs/durable.js';
import { errorCode, errorMessage } from './errors.js';
import type { JobResult } from './job-result.js';
import { redact, type Logger } from './logger.js';

/** What the worker remembers about a job's last run; one file per job, so runs never clash. */
export interface JobRunRecord {
  jobId: string;
  /** ISO times of the wall clock; intervals after a restart are measured from `startedAt`. */
  startedAt: string;
  finishedAt: string;
  result: JobResult;
}

const recordSchema = z.object({
  jobId: z.string(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  result: z.object({
    jobId: z.string(),
    success: z.boolean(),
    message: z.string(),
    itemsProcessed: z.number(),
    errors: z.array(z.string()),
  }),
});

/** Where a job's last run is kept: `<stateDir>/runs/<jobId>.json`. */
export function runRecordPath(stateDir: string, jobId: string): string {
  return path.join(stateDir, 'runs', `${jobId}.json`);
}

/**
 * The job's last run, or undefined when it never ran. A file that cannot be read or parsed is
 * reported and set aside as `<file>.corrupt`, and the job counts as never run: state is a
 * convenience, never a reason not to start.
 */
export async function readRunRecord(
  stateDir: string,
  jobId: string,
  log: Logger,
): Promise<JobRunRecord | undefined> {
  const file = runRecordPath(stateDir, jobId);
  let problem: string;
  try {
    const parsed = recordSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (parsed.success && parsed.data.jobId === jobId) return parsed.data;
    problem = parsed.success ? `it belongs to job "${parsed.data.jobId}"` : 'unexpected content';
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    problem = errorMessage(error);
  }

  const aside = `${file}.corrupt`;
  try {
    await rename(file, aside);
    log.warn(`State file ${file} is unreadable (${problem}); moved it to ${aside}`);
  } catch (error) {
    log.warn(`State file ${file} is unreadable (${problem}) and cannot be moved aside: ` +
      `${errorMessage(error)}; it is replaced after the next run`);
  }
  return undefined;
}

/**
 * Saves the job's last run atomically, owner-only. Every value in `secrets` is masked first,
 * so an error message that quotes the API key never lands on disk. Call it while holding the
 * job's lock: only the lock holder writes or cleans up this job's files.
 */
export async function writeRunRecord(
  stateDir: string,
  record: JobRunRecord,
  secrets: readonly string[],
): Promise<void> {
  const file = runRecordPath(stateDir, record.jobId);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await removeLeftoverTemps(file);

  const masked = (_key: string, value: unknown) =>
    typeof value === 'string' ? redact(value, secrets) : value;
  await writeFileAtomic(file, `${JSON.stringify(record, masked, 2)}\n`, { mode: 0o600 });
}

/** Temp files of this record left by a worker that was killed in the middle of a save. */
async function removeLeftoverTemps(file: string): Promise<void> {
  const prefix = `.${path.basename(file)}.`;
  const names = await readdir(path.dirname(file)).catch(() => []);
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith(TEMP_SUFFIX)) {
      await unlink(path.join(path.dirname(file), name)).catch(() => undefined);
    }
  }
}

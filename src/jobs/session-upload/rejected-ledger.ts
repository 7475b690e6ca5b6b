import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { writeFileAtomic } from '../../fs/durable.js';
import { errorCode } from '../../worker/errors.js';

/**
 * Transcripts that Nexus or the worker refused for good (too large, not UTF-8, a 400), keyed by
 * file name. A file is tried again only once it changes, so a refusal is not repeated each run.
 */
export interface RejectedEntry {
  size: number;
  mtimeMs: number;
  reason: string;
  rejectedAt: string;
}

export type RejectedLedger = Map<string, RejectedEntry>;

const FILE_NAME = 'rejected-transcripts.json';

export async function loadRejected(stateDir: string): Promise<RejectedLedger> {
  let text: string;
  try {
    text = await readFile(path.join(stateDir, FILE_NAME), 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return new Map();
    throw error;
  }

  try {
    const entries = JSON.parse(text) as Record<string, RejectedEntry>;
    return new Map(Object.entries(entries));
  } catch {
    // A damaged ledger only means refused files are tried once more.
    return new Map();
  }
}

export async function saveRejected(stateDir: string, ledger: RejectedLedger): Promise<void> {
  const data = JSON.stringify(Object.fromEntries(ledger), null, 2);
  await writeFileAtomic(path.join(stateDir, FILE_NAME), `${data}\n`);
}

export function isStillRejected(
  ledger: RejectedLedger,
  file: { name: string; size: number; mtimeMs: number },
): RejectedEntry | undefined {
  const entry = ledger.get(file.name);
  if (entry && entry.size === file.size && entry.mtimeMs === file.mtimeMs) return entry;
  return undefined;
}

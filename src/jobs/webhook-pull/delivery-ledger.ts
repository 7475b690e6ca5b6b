import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { z } from 'zod';

import { writeFileAtomic } from '../../fs/durable.js';
import { errorCode, errorMessage } from '../../worker/errors.js';

/**
 * What the worker remembers about a delivered webhook item, keyed by the item's id. An id in the
 * ledger is never written to the inbox again, even after the agent has taken its file away.
 */
export interface DeliveryRecord {
  source: string;
  /** Absolute path of the item's file in the inbox. */
  file: string;
  /** When the delivery was recorded (ISO time); the record expires counting from here. */
  recordedAt: string;
  /**
   * Set only while the item is being put in place: the absolute path of its complete, synced
   * temp file. While that temp file exists, the rename into `file` has not happened.
   */
  temp?: string;
}

export type DeliveryLedger = Map<string, DeliveryRecord>;

export const LEDGER_FILE_NAME = 'delivered-webhook-items.json';
const LEDGER_VERSION = 1;

const ledgerFileSchema = z.object({
  version: z.literal(LEDGER_VERSION),
  items: z.array(
    z.object({
      id: z.string().min(1),
      source: z.string(),
      file: z.string().min(1),
      recordedAt: z.string(),
      temp: z.string().min(1).optional(),
    }),
  ),
});

export interface LoadedLedger {
  ledger: DeliveryLedger;
  /** Why the file on disk could not be used, when it could not. */
  damaged?: string;
}

function ledgerPath(stateDir: string): string {
  return path.join(stateDir, LEDGER_FILE_NAME);
}

/**
 * Reads the ledger of `stateDir`; a missing file is an empty ledger. A damaged file is reported
 * and treated as empty: the items still pending on Nexus are then checked against the inbox.
 */
export async function loadLedger(stateDir: string): Promise<LoadedLedger> {
  const file = ledgerPath(stateDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { ledger: new Map() };
    throw new Error(`cannot read the delivery ledger ${file}: ${errorMessage(error)}`);
  }

  let parsed;
  try {
    parsed = ledgerFileSchema.safeParse(JSON.parse(text));
  } catch (error) {
    return { ledger: new Map(), damaged: `${file} is not JSON (${errorMessage(error)})` };
  }
  if (!parsed.success) {
    return { ledger: new Map(), damaged: `${file} does not hold a version 1 delivery ledger` };
  }

  const ledger: DeliveryLedger = new Map();
  for (const { id, ...record } of parsed.data.items) ledger.set(id, record);
  return { ledger };
}

/** Replaces the ledger file atomically and durably; the state folder is made when missing. */
export async function saveLedger(stateDir: string, ledger: DeliveryLedger): Promise<void> {
  const items = [...ledger].map(([id, record]) => ({ id, ...record }));
  const text = JSON.stringify({ version: LEDGER_VERSION, items }, null, 2);

  try {
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(ledgerPath(stateDir), `${text}\n`);
  } catch (error) {
    const file = ledgerPath(stateDir);
    throw new Error(
      `cannot save the delivery ledger ${file}: ${errorMessage(error)}; ` +
        'check that the state folder is writable and the disk has room',
    );
  }
}

/**
 * Forgets records older than `retentionDays` whose ids Nexus no longer lists; an id still
 * listed is kept, as is a record whose temp file is still being put in place. Returns how many
 * were forgotten.
 */
export function forgetExpired(
  ledger: DeliveryLedger,
  retentionDays: number,
  stillListed: ReadonlySet<string>,
  now = Date.now(),
): number {
  const cutoff = now - retentionDays * 24 * 60 * 60 * 1000;
  let forgotten = 0;
  for (const [id, record] of ledger) {
    const recorded = Date.parse(record.recordedAt);
    const expired = Number.isNaN(recorded) || recorded < cutoff;
    if (expired && !stillListed.has(id) && record.temp === undefined) {
      ledger.delete(id);
      forgotten += 1;
    }
  }
  return forgotten;
}

import { rename, unlink } from 'node:fs/promises';
import path from 'node:path';

import { fsyncDir } from '../../fs/durable.js';
import { errorMessage } from '../../worker/errors.js';
import type { Logger } from '../../worker/logger.js';
import { saveLedger, type DeliveryLedger } from './delivery-ledger.js';
import { pathExists } from '../../fs/path-exists.js';

/**
 * Settles deliveries that a killed run left half done, before anything else touches the inbox.
 * A record still naming a temp file was written after that temp file was complete and synced:
 *
 * - temp gone: the rename happened (the agent may since have taken the file): delivered;
 * - temp there, final name free: the run died before the rename, which is done now;
 * - temp there, final name taken, or the rename fails: the record is dropped and the temp file
 *   removed, so the item, still pending on Nexus, goes through the normal checks again.
 *
 * Returns how many items this put in the inbox.
 */
export async function finishInterrupted(
  ledger: DeliveryLedger,
  stateDir: string,
  log: Logger,
): Promise<number> {
  const unsettled = [...ledger].filter(([, record]) => record.temp !== undefined);
  if (unsettled.length === 0) return 0;

  const placed: string[] = [];
  const abandoned: string[] = [];
  for (const [id, record] of unsettled) {
    const temp = record.temp as string;
    if (!(await pathExists(temp))) {
      delete record.temp;
      continue;
    }

    try {
      if (await pathExists(record.file)) throw new Error(`${record.file} exists already`);
      await rename(temp, record.file);
      placed.push(record.file);
      delete record.temp;
    } catch (error) {
      log.warn(`Could not finish an interrupted delivery: ${errorMessage(error)}; will retry it`);
      ledger.delete(id);
      abandoned.push(temp);
    }
  }

  // The renames must be durable before the ledger says they happened.
  for (const dir of new Set(placed.map((file) => path.dirname(file)))) await fsyncDir(dir);
  await saveLedger(stateDir, ledger);

  for (const temp of abandoned) await unlink(temp).catch(() => undefined);
  for (const file of placed) {
    log.info(`Delivered: ${path.basename(file)} (finishing an interrupted run)`);
  }
  return placed.length;
}

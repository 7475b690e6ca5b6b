import { unlink } from 'node:fs/promises';
import path from 'node:path';

import { fsyncDir } from '../../fs/durable.js';
import { errorMessage } from '../../worker/errors.js';
import type { JobContext } from '../job-type.js';
import { runPool } from '../run-pool.js';
import { saveLedger, type DeliveryLedger } from './delivery-ledger.js';
import { placeStagedFile } from './inbox-file.js';
import type { WebhookItem } from './pending-items.js';
import { addNote, itemFailed, type RunTally } from './run-tally.js';
import { recordOf, stageNewItems, type StagedItem } from './stage-items.js';

/** Renames in flight at once; each waits on the folder more than on the processor. */
const PLACING_LANES = 16;

export interface DeliveryRun {
  inbox: string;
  ledger: DeliveryLedger;
  /** The ledger already differs from the file (records were forgotten), so save it anyway. */
  ledgerChanged: boolean;
  context: JobContext;
  tally: RunTally;
}

/**
 * Puts every item the ledger does not know into the inbox, in three steps so that a crash at
 * any point neither loses an item nor shows the agent one twice:
 *
 * 1. write each item to a temp file in the inbox and sync it (several at a time);
 * 2. record all of them in the ledger, naming their temp files, and save it durably;
 * 3. rename each temp file to its final name, sync the folder, and save the ledger again
 *    without the temp names.
 *
 * Returns false when the ledger could not be saved before the renames: then nothing was
 * delivered and nothing may be deleted on Nexus.
 */
export async function deliverItems(items: WebhookItem[], run: DeliveryRun): Promise<boolean> {
  const staged = await stageNewItems(items, run);
  if (staged.length === 0) {
    if (run.ledgerChanged) await saveLedgerOrNote(run);
    return true;
  }

  for (const { item, file, temp } of staged) {
    run.ledger.set(item.id, { ...recordOf(item, file), temp });
  }
  try {
    await saveLedger(run.context.stateDir, run.ledger);
  } catch (error) {
    for (const { item, temp } of staged) {
      run.ledger.delete(item.id);
      await unlink(temp).catch(() => undefined);
      itemFailed(run.tally, run.context.log, item, errorMessage(error));
    }
    return false;
  }

  await placeStaged(staged, run);
  return true;
}

async function placeStaged(staged: StagedItem[], run: DeliveryRun): Promise<void> {
  const { inbox, ledger, context, tally } = run;
  const failures = new Map<StagedItem, string>();
  // Each item has its own names and its own check, so the renames need no order among them.
  await runPool(staged, PLACING_LANES, async (entry) => {
    await placeStagedFile(entry.temp, entry.file).catch((error: unknown) => {
      failures.set(entry, errorMessage(error));
    });
  });

  const placed: StagedItem[] = [];
  const abandoned: string[] = [];
  for (const entry of staged) {
    const failure = failures.get(entry);
    if (failure === undefined) {
      placed.push(entry);
    } else {
      ledger.delete(entry.item.id);
      abandoned.push(entry.temp);
      itemFailed(tally, context.log, entry.item, `cannot put it in place: ${failure}`);
    }
  }

  // Until the folder is synced a power cut could undo the renames; the ledger must not say
  // they happened before that.
  await fsyncDir(inbox);
  for (const { item, file } of placed) {
    delete ledger.get(item.id)?.temp;
    tally.delivered += 1;
    context.log.info(`Delivered: ${path.basename(file)}`);
  }

  // A temp file the saved ledger still names is kept: the next run settles it.
  if (await saveLedgerOrNote(run)) {
    for (const temp of abandoned) await unlink(temp).catch(() => undefined);
  }
}

async function saveLedgerOrNote(run: DeliveryRun): Promise<boolean> {
  try {
    await saveLedger(run.context.stateDir, run.ledger);
    run.ledgerChanged = false;
    return true;
  } catch (error) {
    addNote(run.tally, run.context.log, `${errorMessage(error)} (the next run settles it)`);
    return false;
  }
}

import { unlink } from 'node:fs/promises';
import path from 'node:path';

import { fsyncDir } from '../../fs/durable.js';
import { errorMessage } from '../../worker/errors.js';
import type { JobContext } from '../job-type.js';
import { saveLedger, type DeliveryLedger, type DeliveryRecord } from './delivery-ledger.js';
import { findSlot, placeStagedFile, stageItemFile } from './inbox-file.js';
import type { WebhookItem } from './pending-items.js';
import { addNote, itemFailed, type RunTally } from './run-tally.js';

export interface DeliveryRun {
  inbox: string;
  ledger: DeliveryLedger;
  /** The ledger already differs from the file (records were forgotten), so save it anyway. */
  ledgerChanged: boolean;
  context: JobContext;
  tally: RunTally;
}

interface StagedItem {
  item: WebhookItem;
  file: string;
  temp: string;
}

/**
 * Puts every item the ledger does not know into the inbox, in three steps so that a crash at
 * any point neither loses an item nor shows the agent one twice:
 *
 * 1. write each item to a temp file in the inbox and sync it;
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

async function stageNewItems(items: WebhookItem[], run: DeliveryRun): Promise<StagedItem[]> {
  const { inbox, ledger, context, tally } = run;
  const staged: StagedItem[] = [];
  const seen = new Set<string>();

  for (const item of items) {
    if (seen.has(item.id) || ledger.has(item.id)) continue;
    seen.add(item.id);
    if (context.signal.aborted) {
      addNote(tally, context.log, 'stopped early: the worker is shutting down');
      break;
    }

    try {
      const slot = await findSlot(inbox, item);
      if (slot.kind === 'taken') {
        itemFailed(tally, context.log, item, slot.reason);
      } else if (slot.kind === 'delivered') {
        // Its file is there but its record is not (a lost ledger): record it, do not rewrite it.
        ledger.set(item.id, recordOf(item, slot.file));
        run.ledgerChanged = true;
        context.log.info(`Already in the inbox: ${path.basename(slot.file)}`);
      } else {
        const temp = await stageItemFile(inbox, item);
        staged.push({ item, file: slot.file, temp });
      }
    } catch (error) {
      itemFailed(tally, context.log, item, `cannot write it to ${inbox}: ${errorMessage(error)}`);
    }
  }
  return staged;
}

async function placeStaged(staged: StagedItem[], run: DeliveryRun): Promise<void> {
  const { inbox, ledger, context, tally } = run;
  const placed: StagedItem[] = [];
  const abandoned: string[] = [];

  for (const entry of staged) {
    try {
      await placeStagedFile(entry.temp, entry.file);
      placed.push(entry);
    } catch (error) {
      ledger.delete(entry.item.id);
      abandoned.push(entry.temp);
      itemFailed(tally, context.log, entry.item, `cannot put it in place: ${errorMessage(error)}`);
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

function recordOf(item: WebhookItem, file: string): DeliveryRecord {
  return { source: item.source, file, recordedAt: new Date().toISOString() };
}

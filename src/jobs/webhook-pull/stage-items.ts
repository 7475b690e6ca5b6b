import path from 'node:path';

import { errorMessage } from '../../worker/errors.js';
import { runPool } from '../run-pool.js';
import type { DeliveryRun } from './deliver-items.js';
import type { DeliveryRecord, DeliveryLedger } from './delivery-ledger.js';
import { findSlot, itemFileText, stageItemFile } from './inbox-file.js';
import { InboxListing } from './inbox-listing.js';
import type { WebhookItem } from './pending-items.js';
import { addNote, itemFailed } from './run-tally.js';

/**
 * Temp files written and synced at the same time. Each sync mostly waits on the disk, and
 * syncs in flight together share its flushes; more than this gains little.
 */
const STAGING_LANES = 16;

export interface StagedItem {
  item: WebhookItem;
  file: string;
  temp: string;
}

type StagingOutcome =
  | { kind: 'staged'; file: string; temp: string }
  | { kind: 'delivered'; file: string }
  | { kind: 'failed'; reason: string };

/**
 * Writes a complete, synced temp file in the inbox for every item the ledger does not know
 * and that has a free name there, several at a time. An item whose file is already in the
 * inbox is recorded instead; one that cannot be written is reported. The outcomes are taken
 * in the order of `items`, so logs, errors and the ledger read the same whichever write
 * finished first.
 */
export async function stageNewItems(items: WebhookItem[], run: DeliveryRun): Promise<StagedItem[]> {
  const { inbox, ledger, context, tally } = run;
  const fresh = newItems(items, ledger);
  if (fresh.length === 0) return [];

  const listing = await InboxListing.read(inbox);
  const outcomes = new Map<WebhookItem, StagingOutcome>();
  let stoppedEarly = false;
  let done = items.length - fresh.length;
  await runPool(fresh, STAGING_LANES, async (item) => {
    if (context.signal.aborted) {
      stoppedEarly = true;
      return;
    }
    outcomes.set(item, await stageItem(item, inbox, listing));
    done += 1;
    context.progress?.(done, items.length);
  });

  const staged: StagedItem[] = [];
  for (const item of fresh) {
    const outcome = outcomes.get(item);
    if (outcome?.kind === 'failed') {
      itemFailed(tally, context.log, item, outcome.reason);
    } else if (outcome?.kind === 'delivered') {
      // Its file is there but its record is not (a lost ledger): record it, do not rewrite it.
      ledger.set(item.id, recordOf(item, outcome.file));
      run.ledgerChanged = true;
      context.log.info(`Already in the inbox: ${path.basename(outcome.file)}`);
    } else if (outcome?.kind === 'staged') {
      staged.push({ item, file: outcome.file, temp: outcome.temp });
    }
  }
  if (stoppedEarly) addNote(tally, context.log, 'stopped early: the worker is shutting down');
  return staged;
}

export function recordOf(item: WebhookItem, file: string): DeliveryRecord {
  return { source: item.source, file, recordedAt: new Date().toISOString() };
}

/** The listed items the ledger does not know; `screenItems` has left one item per id. */
function newItems(items: WebhookItem[], ledger: DeliveryLedger): WebhookItem[] {
  return items.filter((item) => !ledger.has(item.id));
}

async function stageItem(
  item: WebhookItem,
  inbox: string,
  listing: InboxListing,
): Promise<StagingOutcome> {
  // Text too deep or too long for JSON.stringify is a fault of the item, not of the inbox.
  let text: string;
  try {
    text = itemFileText(item);
  } catch (error) {
    return { kind: 'failed', reason: `cannot turn it into JSON text: ${errorMessage(error)}` };
  }

  try {
    const slot = await findSlot(inbox, item, listing);
    if (slot.kind === 'taken') return { kind: 'failed', reason: slot.reason };
    if (slot.kind === 'delivered') return slot;

    // Claimed before the write, so no other item of this run is offered the name unchecked.
    listing.add(path.basename(slot.file));
    return { kind: 'staged', file: slot.file, temp: await stageItemFile(inbox, text) };
  } catch (error) {
    return { kind: 'failed', reason: `cannot write it to ${inbox}: ${errorMessage(error)}` };
  }
}

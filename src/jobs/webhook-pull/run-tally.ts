import type { Logger } from '../../worker/logger.js';
import { describeItem, type WebhookItem } from './pending-items.js';

/** What one run did, item by item; turned into the JobResult at the end. */
export interface RunTally {
  /** Items whose file was newly put in the inbox by this run. */
  delivered: number;
  /** One line per item that could not be delivered, and per run-wide failure. */
  errors: string[];
  /** Warnings worth a place in the result message (a DELETE that failed, a damaged ledger). */
  notes: string[];
}

export function newTally(): RunTally {
  return { delivered: 0, errors: [], notes: [] };
}

/** Reports an item that stays pending on Nexus, to be tried again next run. */
export function itemFailed(tally: RunTally, log: Logger, item: WebhookItem, reason: string): void {
  const line = `${describeItem(item)}: ${reason}; left pending on Nexus`;
  tally.errors.push(line);
  log.error(`Not delivered: ${line}`);
}

export function addNote(tally: RunTally, log: Logger, note: string): void {
  tally.notes.push(note);
  log.warn(note);
}

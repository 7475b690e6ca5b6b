import path from 'node:path';

import type { JobResult } from '../../worker/job-result.js';
import { plural } from '../../worker/plural.js';
import type { JobContext } from '../job-type.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import { pathExists } from '../../fs/path-exists.js';
import { findSlot, type InboxSlot } from './inbox-file.js';
import { inboxFileNames } from './inbox-file-name.js';
import { InboxListing } from './inbox-listing.js';
import type { WebhookItem } from './pending-items.js';
import { itemFailed, type RunTally } from './run-tally.js';

export interface DryRun {
  agentId: string;
  inbox: string;
  ledger: DeliveryLedger;
  /** Ids a real run would leave pending on Nexus even after delivering an item under them. */
  keepPending: ReadonlySet<string>;
  context: JobContext;
  tally: RunTally;
}

/**
 * Says what a real run would write and mark delivered; reads only, writes and deletes nothing.
 * `items` holds each id once, as `screenItems` leaves them.
 */
export async function dryRunDelivery(items: WebhookItem[], run: DryRun): Promise<JobResult> {
  const { inbox, ledger, keepPending, context, tally } = run;
  const { log } = context;
  const listing = (await pathExists(inbox)) ? await InboxListing.read(inbox) : undefined;
  if (!listing) log.info(`Would create inbox folder ${inbox}`);

  let wouldDeliver = 0;
  let wouldMark = 0;
  // Counts the item's id among those a real run would delete, and says so for its log line.
  const onNexus = (item: WebhookItem): string => {
    if (keepPending.has(item.id)) return ' (its id would stay pending on Nexus)';
    wouldMark += 1;
    return ' (would mark it on Nexus)';
  };
  for (const item of items) {
    const record = ledger.get(item.id);
    if (record) {
      log.info(`Delivered before: ${path.basename(record.file)}${onNexus(item)}`);
      continue;
    }

    const slot: InboxSlot = listing
      ? await findSlot(inbox, item, listing)
      : { kind: 'free', file: path.join(inbox, inboxFileNames(item.source, item.id)[0] ?? '') };
    if (slot.kind === 'taken') {
      itemFailed(tally, log, item, slot.reason);
    } else if (slot.kind === 'delivered') {
      log.info(`Already in the inbox: ${path.basename(slot.file)}${onNexus(item)}`);
    } else {
      wouldDeliver += 1;
      log.info(`Would deliver: ${path.basename(slot.file)}${onNexus(item)}`);
    }
  }

  // As in a real run, which says nothing about marking when there is nothing to mark.
  if (wouldMark > 0) log.info(`Would mark ${plural(wouldMark, 'item')} delivered on Nexus`);
  const failed = tally.errors.length;
  const delivered = plural(wouldDeliver, 'webhook item');
  let message = `Dry run: would deliver ${delivered} to ${run.agentId}`;
  if (failed > 0) message += `, ${failed} could not be delivered`;
  for (const note of tally.notes) message += `; ${note}`;

  return {
    jobId: context.jobId,
    success: failed === 0,
    message,
    itemsProcessed: 0,
    errors: tally.errors,
  };
}

import path from 'node:path';

import type { JobResult } from '../../worker/job-result.js';
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
  context: JobContext;
  tally: RunTally;
}

/** Says what a real run would write and mark delivered; reads only, writes and deletes nothing. */
export async function dryRunDelivery(items: WebhookItem[], run: DryRun): Promise<JobResult> {
  const { inbox, ledger, context, tally } = run;
  const { log } = context;
  const listing = (await pathExists(inbox)) ? await InboxListing.read(inbox) : undefined;
  if (!listing) log.info(`Would create inbox folder ${inbox}`);

  const seen = new Set<string>();
  let wouldDeliver = 0;
  let wouldMark = 0;
  for (const item of items) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);

    const record = ledger.get(item.id);
    if (record) {
      wouldMark += 1;
      log.info(`Delivered before: ${path.basename(record.file)} (would mark it on Nexus)`);
      continue;
    }

    const slot: InboxSlot = listing
      ? await findSlot(inbox, item, listing)
      : { kind: 'free', file: path.join(inbox, inboxFileNames(item.source, item.id)[0] ?? '') };
    if (slot.kind === 'taken') {
      itemFailed(tally, log, item, slot.reason);
    } else if (slot.kind === 'delivered') {
      wouldMark += 1;
      log.info(`Already in the inbox: ${path.basename(slot.file)} (would mark it on Nexus)`);
    } else {
      wouldDeliver += 1;
      wouldMark += 1;
      log.info(`Would deliver: ${path.basename(slot.file)}`);
    }
  }

  log.info(`Would mark ${wouldMark} items delivered on Nexus`);
  const failed = tally.errors.length;
  let message = `Dry run: would deliver ${wouldDeliver} webhook items to ${run.agentId}`;
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

import { isRunFatal } from '../../nexus/errors.js';
import { errorMessage } from '../../worker/errors.js';
import { plural } from '../../worker/plural.js';
import type { JobContext } from '../job-type.js';
import { stoppedRequestReason } from '../stopped-request.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import { addNote, type RunTally } from './run-tally.js';

/**
 * Deletes on Nexus, in batches, the listed items that the ledger records as delivered and
 * settled; nothing else is ever deleted. A failed batch is a warning: its ids stay in the
 * ledger, so the next run deletes them without writing them again. Returns how many were marked.
 */
export async function markDelivered(
  listedIds: readonly string[],
  ledger: DeliveryLedger,
  batchSize: number,
  context: JobContext,
  tally: RunTally,
): Promise<number> {
  const ids = [...new Set(listedIds)].filter((id) => {
    const record = ledger.get(id);
    return record !== undefined && record.temp === undefined;
  });

  let marked = 0;
  let failure: string | undefined;
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = ids.slice(start, start + batchSize);
    try {
      await context.nexus.deleteItems(batch);
      marked += batch.length;
    } catch (error) {
      failure = stoppedRequestReason(error, context.signal) ?? errorMessage(error);
      if (isRunFatal(error) || context.signal.aborted) break;
    }
  }

  if (marked > 0) context.log.info(`Marked ${plural(marked, 'item')} delivered on Nexus`);
  if (failure !== undefined) {
    const unmarked = ids.length - marked;
    const them = unmarked === 1 ? 'it' : 'them';
    addNote(
      tally,
      context.log,
      `could not mark ${plural(unmarked, 'item')} delivered on Nexus (${failure}); ` +
        `the next run marks ${them} without writing ${them} again`,
    );
  }
  return marked;
}

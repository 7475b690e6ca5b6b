import type { Logger } from '../../worker/logger.js';
import { plural } from '../../worker/plural.js';
import { MAX_NESTING_DEPTH, nestsDeeperThan } from '../../json/nesting-depth.js';
import { describeItem, type InvalidItem, type WebhookItem } from './pending-items.js';
import { itemFailed, type RunTally } from './run-tally.js';
import { sameJsonValue } from './same-json-value.js';

/** What a run may deliver out of a pending list, and which ids it must not delete on Nexus. */
export interface ScreenedItems {
  /** Each listed id once, in the order listed; an id listed more than once brings its first. */
  items: WebhookItem[];
  /**
   * Ids left pending on Nexus even when an item under them is delivered. A DELETE names an id,
   * not an item, so it would also take every other item under that id, delivered or not.
   */
  keepPending: Set<string>;
}

/**
 * Reports what cannot be delivered as listed: invalid entries, items nested too deep to write,
 * and one id listed with different content. Copies that are the same in every field are one
 * item, delivered once and deleted once, with a debug line.
 *
 * Of an id listed with different content only the first copy is delivered: the ledger and the
 * inbox hold one item per id. The id is left pending so that the other copies are not deleted
 * unseen, and reported on every run until someone sorts them out on Nexus.
 */
export function screenItems(
  listed: { items: WebhookItem[]; invalid: InvalidItem[] },
  tally: RunTally,
  log: Logger,
): ScreenedItems {
  const keepPending = new Set<string>();
  for (const { label, reason, id } of listed.invalid) {
    const line = `${label}: ${reason}; left pending on Nexus`;
    tally.errors.push(line);
    log.error(`Invalid webhook ${line}`);
    if (id !== undefined) keepPending.add(id);
  }

  const copiesById = new Map<string, WebhookItem[]>();
  for (const item of listed.items) {
    const problem = nestingProblem(item);
    if (problem) {
      itemFailed(tally, log, item, problem);
      keepPending.add(item.id);
    } else {
      const copies = copiesById.get(item.id);
      if (copies) copies.push(item);
      else copiesById.set(item.id, [item]);
    }
  }

  const items: WebhookItem[] = [];
  for (const [first, ...others] of copiesById.values()) {
    if (!first) continue;
    items.push(first);
    if (others.length === 0) continue;

    const copies = plural(others.length + 1, 'copy', 'copies');
    if (others.every((other) => sameItem(first, other))) {
      log.debug(`${describeItem(first)} is listed as ${copies} with the same content: one item`);
    } else {
      keepPending.add(first.id);
      const line =
        `${describeItem(first)}: ${copies} with different content are listed; only the first ` +
        'goes to the inbox, and the id is left pending on Nexus, as deleting it would delete ' +
        'every copy: compare them there, then delete the id by hand';
      tally.errors.push(line);
      log.warn(line);
    }
  }
  return { items, keepPending };
}

/** Why the item is too deep to be written, naming the part that is; undefined when it is not. */
function nestingProblem(item: WebhookItem): string | undefined {
  for (const part of ['payload', 'receivedAt'] as const) {
    if (nestsDeeperThan(item[part], MAX_NESTING_DEPTH)) {
      return (
        `its ${part} is nested more than ${MAX_NESTING_DEPTH} levels deep, too deep to write ` +
        'to a file; delete it on Nexus by hand if it is not wanted'
      );
    }
  }
  return undefined;
}

function sameItem(first: WebhookItem, other: WebhookItem): boolean {
  return (
    first.source === other.source &&
    sameJsonValue(first.receivedAt, other.receivedAt) &&
    sameJsonValue(first.payload, other.payload)
  );
}

import { lstat, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

import { tempPathFor } from '../../fs/durable.js';
import { errorCode } from '../../worker/errors.js';
import { inboxFileNames } from './inbox-file-name.js';
import type { InboxListing } from './inbox-listing.js';
import type { WebhookItem } from './pending-items.js';
import { pathExists } from '../../fs/path-exists.js';

/** Where an item's file goes, or where it already is. */
export type InboxSlot =
  | { kind: 'free'; file: string }
  | { kind: 'delivered'; file: string }
  | { kind: 'taken'; reason: string };

type ItemHolder = 'nothing' | 'this-item' | 'something-else';

/** The file's contents: the item itself, pretty-printed for the agent. */
export function itemFileText(item: WebhookItem): string {
  const { id, source, receivedAt, payload } = item;
  return `${JSON.stringify({ id, source, receivedAt, payload }, null, 2)}\n`;
}

/**
 * Looks at every name the item may have. A regular file holding this item's id and source means
 * it was delivered before; otherwise the first name nothing occupies is free. A folder, a link
 * or another item's file under a name is left alone. Only the names `listing` may hold are
 * looked at on disk.
 */
export async function findSlot(
  inbox: string,
  item: WebhookItem,
  listing: InboxListing,
): Promise<InboxSlot> {
  const names = inboxFileNames(item.source, item.id);
  let free: string | undefined;

  for (const name of names) {
    const file = path.join(inbox, name);
    const holder = listing.mayHold(name) ? await whatIsAt(file, item) : 'nothing';
    if (holder === 'this-item') return { kind: 'delivered', file };
    if (holder === 'nothing') free ??= file;
  }
  if (free) return { kind: 'free', file: free };

  const taken = names.join(', ');
  return { kind: 'taken', reason: `every name it may have is taken by something else (${taken})` };
}

async function whatIsAt(file: string, item: WebhookItem): Promise<ItemHolder> {
  let stats;
  try {
    stats = await lstat(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'nothing';
    throw error;
  }
  if (!stats.isFile()) return 'something-else';

  try {
    const held = JSON.parse(await readFile(file, 'utf8')) as Partial<WebhookItem> | null;
    const same = held?.id === item.id && held?.source === item.source;
    return same ? 'this-item' : 'something-else';
  } catch {
    return 'something-else';
  }
}

/**
 * Writes an item's file text (see `itemFileText`) under a temp name in the inbox and syncs it;
 * returns the temp path. On failure nothing is left behind. The short fixed base keeps the temp
 * name within the name length limit however long the item's own name is.
 */
export async function stageItemFile(inbox: string, text: string): Promise<string> {
  const temp = tempPathFor(path.join(inbox, 'webhook-item'));
  const handle = await open(temp, 'wx', 0o600);

  try {
    await handle.writeFile(text);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return temp;
}

/**
 * Renames a staged temp file to its final name; the rename is atomic, so the agent sees the
 * whole file or none. A name that got occupied since `findSlot` looked is not overwritten.
 * (Linking the temp file into place would refuse a taken name by itself, but would leave a
 * moment where both names exist: a crash there and an agent that takes the file away would
 * make the next run deliver the item again.)
 */
export async function placeStagedFile(temp: string, file: string): Promise<void> {
  if (await pathExists(file)) {
    throw new Error(`${path.basename(file)} appeared in the inbox while the item was written`);
  }
  await rename(temp, file);
}

import { lstat, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import { TEMP_SUFFIX } from '../../../src/fs/durable.js';
import { inboxFileNames } from '../../../src/jobs/webhook-pull/inbox-file-name.js';
import type { WebhookItem } from '../../../src/local-nexus/store.js';
import type { TestNexus } from '../../helpers/local-nexus.js';
import { findTempFiles } from './trial-folder.js';

/** The complete item files in the inbox, by item id; temp files are listed apart. */
export interface InboxContents {
  filesById: Map<string, string[]>;
  temps: string[];
}

/**
 * Reads every entry of the inbox. Each one that is not a temp file must be a regular file
 * holding exactly one ingested item, `{id, source, receivedAt, payload}` as Nexus listed it,
 * under one of the names that item may have.
 */
export async function readInbox(
  inbox: string,
  items: readonly WebhookItem[],
  problems: string[],
): Promise<InboxContents> {
  const byId = new Map(items.map((item) => [item.id, item]));
  const filesById = new Map<string, string[]>();
  const temps: string[] = [];
  const names = await readdir(inbox).catch(() => [] as string[]);

  for (const name of names) {
    if (name.startsWith('.') && name.endsWith(TEMP_SUFFIX)) {
      temps.push(name);
      continue;
    }
    const item = await itemIn(path.join(inbox, name), problems);
    if (!item) continue;

    const expected = byId.get(item.id);
    if (!expected) {
      problems.push(`${name} holds an item never ingested (id ${JSON.stringify(item.id)})`);
      continue;
    }
    const { id, source, receivedAt, payload } = expected;
    if (!isDeepStrictEqual(item, { id, source, receivedAt, payload })) {
      problems.push(`${name} does not hold item ${JSON.stringify(id)} as Nexus listed it`);
    }
    if (!inboxFileNames(source, id).includes(name)) {
      problems.push(`${name} is not a name item ${JSON.stringify(id)} may have`);
    }
    filesById.set(id, [...(filesById.get(id) ?? []), name]);
  }
  return { filesById, temps };
}

async function itemIn(file: string, problems: string[]): Promise<WebhookItem | undefined> {
  const stats = await lstat(file);
  if (!stats.isFile()) {
    problems.push(`${path.basename(file)} in the inbox is not a regular file`);
    return undefined;
  }
  try {
    return JSON.parse(await readFile(file, 'utf8')) as WebhookItem;
  } catch (error) {
    problems.push(`${path.basename(file)} is not complete JSON: ${(error as Error).message}`);
    return undefined;
  }
}

/** How far a killed run got: temp files, item files, items no longer pending on Nexus. */
export interface WebhookProgress {
  temps: number;
  written: number;
  marked: number;
  total: number;
}

/**
 * Right after a SIGKILL: every item is a complete file in the inbox, or still pending on
 * Nexus, or both (delivered, not yet marked); never two files; never gone from both.
 */
export async function checkAfterKill(
  items: readonly WebhookItem[],
  inbox: string,
  nexus: TestNexus,
  agentId: string,
): Promise<{ problems: string[]; progress: WebhookProgress; contents: InboxContents }> {
  const problems: string[] = [];
  const contents = await readInbox(inbox, items, problems);
  const pending = new Set(nexus.pendingItems(agentId).map((item) => item.id));

  for (const { id } of items) {
    const files = contents.filesById.get(id) ?? [];
    if (files.length > 1) problems.push(`item ${JSON.stringify(id)} has ${files.length} files`);
    if (files.length === 0 && !pending.has(id)) {
      problems.push(`item ${JSON.stringify(id)} is neither in the inbox nor pending on Nexus`);
    }
  }

  const written = [...contents.filesById.values()].filter((files) => files.length > 0).length;
  const marked = items.length - pending.size;
  const progress = { temps: contents.temps.length, written, marked, total: items.length };
  return { problems, progress, contents };
}

/**
 * After the completion run: nothing is pending; every item the agent did not take away is
 * exactly one file, and every item it did take away was not written again; no temp file is
 * left under `root` (inbox and state folder).
 */
export async function checkAfterCompletion(
  items: readonly WebhookItem[],
  takenAway: ReadonlySet<string>,
  inbox: string,
  nexus: TestNexus,
  agentId: string,
  root: string,
): Promise<string[]> {
  const problems: string[] = [];
  const contents = await readInbox(inbox, items, problems);

  const pending = nexus.pendingItems(agentId);
  if (pending.length > 0) problems.push(`${pending.length} items are still pending on Nexus`);

  for (const { id } of items) {
    const files = contents.filesById.get(id) ?? [];
    if (takenAway.has(id)) {
      if (files.length > 0) problems.push(`item ${JSON.stringify(id)} was written again: ${files}`);
    } else if (files.length !== 1) {
      problems.push(`item ${JSON.stringify(id)} has ${files.length} files, not 1`);
    }
  }
  for (const temp of await findTempFiles(root)) problems.push(`temp file left: ${temp}`);
  return problems;
}

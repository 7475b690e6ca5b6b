import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

import { mark, type DemoFolders } from './checks.js';

/** What a put.io transfer hook and a GitHub issue hook might send. */
const SAMPLES = [
  { source: 'putio', payload: { transfer_id: 12345, status: 'COMPLETED', name: 'talk.mp4' } },
  { source: 'github', payload: { action: 'opened', issue: { number: 42, title: 'Typo' } } },
];

export async function ingestSampleWebhooks(url: string, apiKey: string): Promise<void> {
  for (const { source, payload } of SAMPLES) {
    const response = await fetch(`${url}/webhook/main/${source}`, {
      method: 'POST',
      headers: { 'x-functions-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    const { id } = (await response.json()) as { id: string };
    console.log(`POST /webhook/main/${source} → ${response.status}, id ${id}`);
  }
}

/** Each sample is one complete file in the inbox, and nothing is pending on Nexus any more. */
export async function checkInbox(
  url: string,
  apiKey: string,
  folders: DemoFolders,
): Promise<boolean> {
  const names = (await readdir(folders.inboxDir)).sort();
  console.log(`${path.relative(folders.workspace, folders.inboxDir)}/`);
  for (const name of names) console.log(`  ${name}`);
  console.log('');

  let ok = mark(names.length === SAMPLES.length, `${SAMPLES.length} files in the inbox`);
  for (const { source, payload } of SAMPLES) {
    const name = names.find((candidate) => candidate.startsWith(`${source}_`));
    const text = name ? await readFile(path.join(folders.inboxDir, name), 'utf8') : '{}';
    const item = JSON.parse(text) as { payload?: unknown };
    const same = JSON.stringify(item.payload) === JSON.stringify(payload);
    ok = mark(same, `${name ?? source} holds the payload as sent`) && ok;
  }

  const response = await fetch(`${url}/webhook/pending?agentId=main`, {
    headers: { 'x-functions-key': apiKey },
  });
  const pending = ((await response.json()) as { main?: unknown[] }).main ?? [];
  return mark(pending.length === 0, 'nothing left pending on Nexus') && ok;
}

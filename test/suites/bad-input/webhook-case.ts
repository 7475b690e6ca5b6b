/**
 * One webhook_pull case of the bad-input suite: the job set-up of the webhook_pull tests, and
 * after every run the guard's checks on the state folder and on the inbox the worker made.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';

import { parseJobResult, type CliRun } from '../../helpers/run-cli.js';
import { setUpJob, type JobSetupOptions } from '../../jobs/webhook-pull/job-setup.js';
import { assertKeyNowhere, assertNoKeyIn, assertOwnerOnly } from './guard.js';

export interface WebhookCase {
  root: string;
  inbox: string;
  stateDir: string;
  run(): Promise<{ cli: CliRun; result: ReturnType<typeof parseJobResult> }>;
}

export async function webhookCase(t: TestContext, options: JobSetupOptions): Promise<WebhookCase> {
  const job = await setUpJob(t, options);
  const stateDir = path.join(job.root, 'state');

  const run = async () => {
    const cli = await job.runRaw();
    assert.equal(cli.signal, null, `the run was killed:\n${cli.stderr}`);
    assertNoKeyIn(cli.stdout, options.apiKey, 'stdout');
    assertNoKeyIn(cli.stderr, options.apiKey, 'stderr');
    await assertKeyNowhere(stateDir, options.apiKey);
    await assertOwnerOnly(stateDir);
    // The worker made `inbox/webhooks` inside the workspace: both folders and every file in
    // them are the agent's owner's alone.
    await assertOwnerOnly(path.join(job.workspace, 'inbox'));
    return { cli, result: parseJobResult(cli) };
  };
  return { root: job.root, inbox: job.inbox, stateDir: job.stateDir, run };
}

/** The items in the inbox, parsed, keyed by file name; temp files would show as unparsable. */
export async function inboxItems(inbox: string): Promise<Map<string, Record<string, unknown>>> {
  const items = new Map<string, Record<string, unknown>>();
  for (const name of (await readdir(inbox)).sort()) {
    items.set(name, JSON.parse(await readFile(path.join(inbox, name), 'utf8')));
  }
  return items;
}

/**
 * A webhook_pull job for the fault suite: an agent workspace, a config whose url is the fault
 * proxy, and items put on the local Nexus for the agent.
 */

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';

import type { TestNexus } from '../../helpers/local-nexus.js';
import { parseLogLines, type LogLine } from '../../helpers/log-lines.js';
import { parseJobResult, runCli, type CliRun } from '../../helpers/run-cli.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { writeWorkerConfig } from '../../helpers/worker-config.js';
import { timed, type NetworkSettings } from './bounds.js';

export const AGENT = 'flickclaw';
export const JOB_ID = 'webhooks';
export const PULL = 'GET /webhook/pending';
export const MARK = 'DELETE /webhook/items';

/** Small, so a handful of items makes several delete batches. */
export const DELETE_BATCH_SIZE = 2;

export interface PutItem {
  id: string;
  source: string;
  payload: unknown;
}

export interface WebhookRun extends CliRun {
  result: ReturnType<typeof parseJobResult>;
  log: LogLine[];
  elapsedMs: number;
}

export interface WebhookFixture {
  inbox: string;
  stateDir: string;
  /** The items put on Nexus for the agent, in order. */
  items: PutItem[];
  network: NetworkSettings;
  run(): Promise<WebhookRun>;
}

export interface WebhookFixtureSettings {
  nexus: TestNexus;
  url: string;
  network: NetworkSettings;
  items: number;
}

export async function setUpWebhooks(
  t: TestContext,
  settings: WebhookFixtureSettings,
): Promise<WebhookFixture> {
  const root = await makeTempDir(t, 'fault-webhook-');
  const workspace = path.join(root, 'workspace');
  await mkdir(workspace);

  const items: PutItem[] = [];
  for (let index = 0; index < settings.items; index += 1) {
    const payload = { transfer_id: 1000 + index, status: 'COMPLETED' };
    const id = await settings.nexus.addWebhookItem(AGENT, 'putio', payload);
    items.push({ id, source: 'putio', payload });
  }

  const configPath = await writeWorkerConfig(root, {
    url: settings.url,
    apiKey: settings.nexus.apiKey,
    stateDir: 'state',
    ...settings.network,
    jobs: [
      {
        id: JOB_ID,
        type: 'webhook_pull',
        description: 'Deliver webhook items through a faulty network',
        intervalMinutes: 5,
        args: [AGENT, 'workspace'],
        options: { deleteBatchSize: DELETE_BATCH_SIZE },
      },
    ],
  });

  const run = async (): Promise<WebhookRun> => {
    const args = ['--config', configPath, '--job', JOB_ID, '--verbose'];
    const { value: cli, elapsedMs } = await timed(() => runCli(args, { cwd: root }));
    return { ...cli, result: parseJobResult(cli), log: parseLogLines(cli.stderr), elapsedMs };
  };

  return {
    inbox: path.join(workspace, 'inbox', 'webhooks'),
    stateDir: path.join(root, 'state', 'jobs', JOB_ID),
    items,
    network: settings.network,
    run,
  };
}

/**
 * webhook_pull: 5,000 pending items delivered into an agent's inbox by the real CLI, then
 * marked delivered on Nexus. Skipped when this build has no webhook_pull job type.
 */
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

import { seedWebhookItems } from '../generate/webhook-items.js';
import { roundTo } from '../phases/upload-phase.js';
import { BENCH_API_KEY, startNexus } from '../process/nexus-process.js';
import { runProblem, runWorkerJob, writeWorkerConfig } from '../process/worker-run.js';
import { newProfileDir, summariseNewestProfile } from '../report/cpu-profile.js';
import { measure } from '../report/results.js';
import {
  notAvailable,
  type BenchContext,
  type Scenario,
  type ScenarioOutcome,
} from '../scenario.js';
import { hasJobType } from './job-types.js';

const AGENT_ID = 'bench';
const TARGET_SECONDS = 5;

export const webhookPull: Scenario = {
  name: 'webhook-pull',
  summary: 'deliver 5,000 pending webhook items into an inbox and mark them delivered',
  run: runWebhookPull,
};

async function runWebhookPull(context: BenchContext): Promise<ScenarioOutcome> {
  if (!(await hasJobType('webhook_pull'))) {
    return notAvailable('this build registers no webhook_pull job type');
  }
  const { items } = context.sizes.webhookPull;
  const { workDir } = context;
  const nexus = await startNexus(path.join(workDir, 'nexus'));

  try {
    context.progress(`seeding ${items} webhook items`);
    const seedSeconds = await seedWebhookItems(nexus.url, AGENT_ID, items);
    const workspace = path.join(workDir, 'workspace');
    await mkdir(workspace, { recursive: true });
    const config = await writeWorkerConfig(workDir, nexus.url, [
      { id: 'hooks', type: 'webhook_pull', args: [AGENT_ID, workspace] },
    ]);

    context.progress('worker');
    const cpuProfileDir = context.cpuProfile ? await newProfileDir('webhook') : undefined;
    const nodeFlags = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
    const nexusCpuBefore = await nexus.cpuSeconds();
    const run = await runWorkerJob(config, 'hooks', { nodeFlags });
    const nexusCpuSeconds = (await nexus.cpuSeconds()) - nexusCpuBefore;

    const inbox = await readdir(path.join(workspace, 'inbox', 'webhooks'));
    const delivered = inbox.filter((name) => !name.startsWith('.')).length;
    const stillPending = await pendingCount(nexus.url);
    const problem =
      runProblem(run, items) ??
      (delivered === items ? undefined : `${delivered} files in the inbox, expected ${items}`) ??
      (stillPending === 0 ? undefined : `${stillPending} items still pending on Nexus`);
    if (problem) throw new Error(`worker run: ${problem}`);

    return {
      status: 'ok',
      measures: [
        measure(`deliver ${items.toLocaleString('en-US')} items`, run.wallSeconds, 's', {
          target: { below: TARGET_SECONDS },
        }),
        measure('items/s', items / run.wallSeconds, 'items/s'),
        measure('worker peak RSS', run.peakRssMib, 'MiB'),
        measure('worker CPU (user+sys)', run.userSeconds + run.systemSeconds, 's'),
        measure('Nexus CPU during the run', nexusCpuSeconds, 's'),
      ],
      details: {
        items,
        seedSeconds: roundTo(seedSeconds),
        inboxFiles: delivered,
        // Wall time well above CPU time means the run waits on the disk (fsync) or on Nexus.
        workerUserSeconds: run.userSeconds,
        workerSystemSeconds: run.systemSeconds,
        cpuProfile: cpuProfileDir ? await summariseNewestProfile(cpuProfileDir) : undefined,
      },
    };
  } finally {
    await nexus.stop();
  }
}

async function pendingCount(url: string): Promise<number> {
  const response = await fetch(`${url}/webhook/pending?agentId=${AGENT_ID}`, {
    headers: { 'x-functions-key': BENCH_API_KEY },
  });
  const body = (await response.json()) as Record<string, unknown[] | undefined>;
  return body[AGENT_ID]?.length ?? -1;
}

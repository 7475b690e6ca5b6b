/**
 * Crash trials for webhook_pull: the real CLI delivers 200 pending webhook items, is killed
 * with SIGKILL at a random point, and is then run again to completion; in some trials the
 * agent takes files away in between. No item may be lost, written twice, left half written,
 * or written again after the agent took it away.
 *
 * Not part of `npm test`: run `npm run test:crash` (see session-upload.suite.ts for CRASH_SEED
 * and CRASH_TRIALS).
 */
import assert from 'node:assert/strict';
import { mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';

import type { WebhookItem } from '../../../src/local-nexus/store.js';
import { startLocalNexus, type TestNexus } from '../../helpers/local-nexus.js';
import { parseJobResult } from '../../helpers/run-cli.js';
import { KillLandings } from './kill-landings.js';
import { KillPlanner } from './kill-plan.js';
import { describeKillPoint, runAndKill, type WatchedRun } from './killed-run.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';
import { assertNoProblems, makeTrialFolder, type TrialFolder } from './trial-folder.js';
import { trialLabel, trialSeeds } from './trial-seeds.js';
import { ingestWebhookBackfill } from './webhook-backfill.js';
import { checkAfterCompletion, checkAfterKill, type InboxContents } from './webhook-checks.js';

const BACKFILL_SIZE = 200;
const { seeds, origin } = trialSeeds();
const landings = new KillLandings();
const planner = new KillPlanner();

let nexus: TestNexus;

before(async () => {
  nexus = await startLocalNexus();
});

after(async () => {
  await nexus.close();
  console.log(`webhook_pull: ${landings.summary()}`);
});

interface Trial {
  label: string;
  agentId: string;
  folder: TrialFolder;
  inbox: string;
  items: WebhookItem[];
}

async function setUpTrial(
  t: TestContext,
  random: SeededRandom,
  label: string,
  agentId: string,
): Promise<Trial> {
  const folder = await makeTrialFolder(t, nexus, {
    id: 'webhooks',
    type: 'webhook_pull',
    args: [agentId, 'workspace'],
    // Small batches put more kill points between the DELETE requests.
    options: { deleteBatchSize: random.pick([7, 30, 100]) },
  });
  const workspace = path.join(folder.root, 'workspace');
  await mkdir(workspace);

  const items = ingestWebhookBackfill(random, nexus, agentId, BACKFILL_SIZE);
  return { label, agentId, folder, inbox: path.join(workspace, 'inbox', 'webhooks'), items };
}

async function runToCompletion(
  trial: Trial,
  takenAway: ReadonlySet<string>,
): Promise<WatchedRun> {
  const run = await runAndKill(trial.folder.cliArgs, undefined, [nexus.apiKey]);
  assert.equal(run.code, 0, `${trial.label} the completion run failed:\n${run.stderr}`);
  const result = parseJobResult(run);
  assert.equal(result.success, true, `${trial.label} completion run: ${result.message}`);

  const { items, inbox, agentId, folder } = trial;
  const problems = await checkAfterCompletion(items, takenAway, inbox, nexus, agentId, folder.root);
  assertNoProblems(trial.label, 'after the completion run', problems);
  return run;
}

/** The agent reads some delivered files and removes them, as it does with its inbox. */
async function takeSomeAway(
  random: SeededRandom,
  inbox: string,
  contents: InboxContents,
): Promise<Set<string>> {
  const takenAway = new Set<string>();
  for (const [id, files] of contents.filesById) {
    if (!random.chance(0.4)) continue;
    for (const file of files) await unlink(path.join(inbox, file));
    takenAway.add(id);
  }
  return takenAway;
}

test(`an uninterrupted run delivers every item (${origin})`, async (t) => {
  const seed = (seeds[0] ?? 1) + 0x40000000;
  const label = trialLabel('webhook_pull', seed);
  const trial = await setUpTrial(t, seededRandom(seed), label, 'calibration');

  const run = await runAndKill(trial.folder.cliArgs, undefined, [nexus.apiKey]);
  assert.equal(run.code, 0, `${label} the uninterrupted run failed:\n${run.stderr}`);
  const { items, inbox, agentId, folder } = trial;
  const none = new Set<string>();
  const problems = await checkAfterCompletion(items, none, inbox, nexus, agentId, folder.root);
  assertNoProblems(label, 'after the uninterrupted run', problems);

  planner.observeWholeRun(run);
  const took = `${Math.round(run.elapsedMs)} ms and ${run.logLines} log lines`;
  t.diagnostic(`an uninterrupted run took ${took}; kills are spread over such a run`);
});

for (const seed of seeds) {
  test(`seed ${seed}: killed at a random point, then run to completion`, async (t) => {
    const random = seededRandom(seed);
    const label = trialLabel('webhook_pull', seed);
    assert.ok(planner.ready, `${label} the uninterrupted run must pass first`);
    const trial = await setUpTrial(t, random, label, `w${seed}`);
    const point = planner.pick(seededRandom(seed ^ 0x5bd1e995));

    const killed = await runAndKill(trial.folder.cliArgs, point, [nexus.apiKey]);
    if (!killed.killed) {
      const why = `${label} the run exited by itself, and failed:\n${killed.stderr}`;
      assert.equal(killed.code, 0, why);
    }
    const { problems, progress, contents } = await checkAfterKill(
      trial.items,
      trial.inbox,
      nexus,
      trial.agentId,
    );
    assertNoProblems(label, `after a SIGKILL ${describeKillPoint(point)}`, problems);

    // Temp files count as visible work, but never as all of it.
    const done = progress.temps + progress.written + progress.marked;
    const where = landings.record(killed.killed, done, progress.temps + 2 * progress.total);
    // In half the trials the agent takes files away before the completion run.
    const takenAway = random.chance(0.5)
      ? await takeSomeAway(random, trial.inbox, contents)
      : new Set<string>();
    t.diagnostic(
      `killed ${describeKillPoint(point)} (${where}): ${progress.temps} temp files, ` +
        `${progress.written} written, ` +
        `${progress.marked} marked of ${progress.total}; the agent took ${takenAway.size} away`,
    );
    const completion = await runToCompletion(trial, takenAway);
    planner.observeTrial(killed, completion, where);
  });
}

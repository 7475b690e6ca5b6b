/**
 * Crash trials for session_upload: the real CLI works through a backfill of 200 transcripts,
 * is killed with SIGKILL at a random point, and is then run again to completion. Nothing may
 * be lost, duplicated, left half done or uploaded that OpenClaw still uses.
 *
 * Not part of `npm test`: run `npm run test:crash`; CRASH_TRIALS=<n> sets the number of
 * trials, CRASH_SEED=<seed> replays one trial (its backfill and kill point; the kill lands at
 * the same share of a run, so timing can still differ).
 */
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';

import { startLocalNexus, type TestNexus } from '../../helpers/local-nexus.js';
import { parseJobResult } from '../../helpers/run-cli.js';
import { KillLandings } from './kill-landings.js';
import { KillPlanner } from './kill-plan.js';
import { describeKillPoint, runAndKill, type WatchedRun } from './killed-run.js';
import { seededRandom } from './seeded-random.js';
import { writeSessionBackfill, type SessionBackfill } from './session-backfill.js';
import { checkAfterCompletion, checkAfterKill } from './session-checks.js';
import { trialLabel, trialSeeds } from './trial-seeds.js';
import { assertNoProblems, makeTrialFolder, type TrialFolder } from './trial-folder.js';

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
  console.log(`session_upload: ${landings.summary()}`);
});

interface Trial {
  label: string;
  agentId: string;
  folder: TrialFolder;
  backfill: SessionBackfill;
}

async function setUpTrial(t: TestContext, seed: number, agentId: string): Promise<Trial> {
  const folder = await makeTrialFolder(t, nexus, {
    id: 'main-sessions',
    type: 'session_upload',
    args: ['sessions', 'sessions/archive', agentId],
  });
  const backfill = await writeSessionBackfill(seededRandom(seed), folder.root, BACKFILL_SIZE);
  return { label: trialLabel('session_upload', seed), agentId, folder, backfill };
}

async function runToCompletion(trial: Trial): Promise<WatchedRun> {
  const run = await runAndKill(trial.folder.cliArgs, undefined, [nexus.apiKey]);
  assert.equal(run.code, 0, `${trial.label} the completion run failed:\n${run.stderr}`);
  const result = parseJobResult(run);
  assert.equal(result.success, true, `${trial.label} completion run: ${result.message}`);

  const problems = await checkAfterCompletion(
    trial.backfill,
    nexus,
    trial.agentId,
    trial.folder.root,
  );
  assertNoProblems(trial.label, 'after the completion run', problems);
  return run;
}

test(`an uninterrupted run archives the whole backfill (${origin})`, async (t) => {
  const seed = (seeds[0] ?? 1) + 0x40000000;
  const trial = await setUpTrial(t, seed, 'calibration');

  const run = await runAndKill(trial.folder.cliArgs, undefined, [nexus.apiKey]);
  assert.equal(run.code, 0, `${trial.label} the uninterrupted run failed:\n${run.stderr}`);
  const { backfill, folder } = trial;
  const problems = await checkAfterCompletion(backfill, nexus, 'calibration', folder.root);
  assertNoProblems(trial.label, 'after the uninterrupted run', problems);

  planner.observeWholeRun(run);
  const took = `${Math.round(run.elapsedMs)} ms and ${run.logLines} log lines`;
  t.diagnostic(`an uninterrupted run took ${took}; kills are spread over such a run`);
});

for (const seed of seeds) {
  test(`seed ${seed}: killed at a random point, then run to completion`, async (t) => {
    const trial = await setUpTrial(t, seed, `s${seed}`);
    assert.ok(planner.ready, `${trial.label} the uninterrupted run must pass first`);
    const point = planner.pick(seededRandom(seed ^ 0x5bd1e995));

    const killed = await runAndKill(trial.folder.cliArgs, point, [nexus.apiKey]);
    if (!killed.killed) {
      const why = `${trial.label} the run exited by itself, and failed:\n${killed.stderr}`;
      assert.equal(killed.code, 0, why);
    }
    const { problems, progress } = await checkAfterKill(trial.backfill, nexus, trial.agentId);
    assertNoProblems(trial.label, `after a SIGKILL ${describeKillPoint(point)}`, problems);

    const where = landings.record(killed.killed, progress.archived, progress.total);
    t.diagnostic(
      `killed ${describeKillPoint(point)} (${where}): ` +
        `${progress.archived} of ${progress.total} archived`,
    );
    const completion = await runToCompletion(trial);
    planner.observeTrial(killed, completion, where);
  });
}

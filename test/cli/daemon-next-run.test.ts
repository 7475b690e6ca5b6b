import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runCli } from '../helpers/run-cli.js';
import { countLines, spawnCli } from '../helpers/spawn-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { KEY, readState, writeConfig } from './daemon-setup.js';

const LOCAL_TIME = '(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d)';

test('at start the daemon says when each job is next due, and that one never run is due now',
  async (t) => {
    const dir = await makeTempDir(t);
    const jobs = [
      { id: 'fresh', intervalMinutes: 1 },
      { id: 'ran-by-hand', intervalMinutes: 15 },
    ];
    const config = await writeConfig(dir, jobs);
    const byHand = await runCli(['--config', config, '--job', 'ran-by-hand'], { secrets: [KEY] });
    assert.equal(byHand.code, 0, byHand.stderr);
    const lastRun = new Date((await readState(dir, 'ran-by-hand')).startedAt);

    const daemon = spawnCli(t, ['--config', config], { secrets: [KEY] });
    await daemon.waitForStderr((text) => text.includes('Next check in'), 'the first sleep');
    daemon.child.kill('SIGTERM');
    const run = await daemon.exited();

    assert.equal(run.code, 0, run.stderr);
    const lines = run.stderr.split('\n').map((line) => line.replace(/^\S+ /, ''));
    assert.deepEqual(lines.slice(0, 3), [
      '[INFO] [scheduler] Starting Nexus Worker',
      '[INFO] [scheduler] Loaded 2 jobs',
      '[INFO] [fresh] Due now (every 1 minute; never run before)',
    ]);
    const waiting = new RegExp(
      `^\\[INFO\\] \\[ran-by-hand\\] Next run at ${LOCAL_TIME} ` +
        `\\(every 15 minutes; last run ${LOCAL_TIME}\\)$`,
    ).exec(lines[3] ?? '');
    assert.ok(waiting, `no next run for ran-by-hand:\n${run.stderr}`);

    // Log times are local and to the second; a string without an offset parses as local time.
    const [nextRun, loggedLastRun] = [waiting[1], waiting[2]].map((text) => Date.parse(text!));
    assert.equal(loggedLastRun, Math.floor(lastRun.getTime() / 1000) * 1000);
    const expected = lastRun.getTime() + 15 * 60_000;
    const offBy = Math.abs(nextRun! - expected);
    assert.ok(offBy < 2000, `next run ${waiting[1]} is ${offBy} ms off the interval`);
    assert.equal(countLines(run.stderr, /\[fresh\] Running job/), 1);
    assert.equal(countLines(run.stderr, /\[ran-by-hand\] Running job/), 0);
  },
);

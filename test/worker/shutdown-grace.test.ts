import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';

import { runSignals } from '../../src/worker/shutdown-grace.js';

test('a run\'s signals fire with the shutdown, the abort one after the grace period', async () => {
  const shutdown = new AbortController();
  const signals = runSignals(shutdown.signal, 50);

  shutdown.abort();

  assert.equal(signals.stop.aborted, true);
  assert.equal(signals.abort.aborted, false);
  await sleep(120);
  assert.equal(signals.abort.aborted, true);
  signals.release();
});

test('released runs leave no listener on the shutdown signal, and no longer follow it',
  async () => {
    const shutdown = new AbortController();
    const runs = Array.from({ length: 50 }, () => runSignals(shutdown.signal, 10));
    assert.equal(getEventListeners(shutdown.signal, 'abort').length, 50);

    for (const run of runs) run.release();
    shutdown.abort();
    await sleep(40);

    assert.equal(getEventListeners(shutdown.signal, 'abort').length, 0);
    assert.ok(runs.every((run) => !run.stop.aborted && !run.abort.aborted));
  },
);

test('a run started after the shutdown is stopped at once', async () => {
  const shutdown = new AbortController();
  shutdown.abort();

  const signals = runSignals(shutdown.signal, 10);

  assert.equal(signals.stop.aborted, true);
  await sleep(40);
  assert.equal(signals.abort.aborted, true);
  signals.release();
});

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { HELP, parseCliArgs } from '../../src/cli/args.js';
import { UsageError } from '../../src/worker/errors.js';
import { MINUTE_MS, minuteLengthMs } from '../../src/worker/minute-length.js';

test('no flags means the daemon; --once and --job pick the other modes', () => {
  assert.deepEqual(
    [parseCliArgs([]), parseCliArgs(['--once']), parseCliArgs(['--job', 'a', '--dry-run'])].map(
      (cli) => [cli.once, cli.job, cli.dryRun],
    ),
    [
      [false, undefined, false],
      [true, undefined, false],
      [false, 'a', true],
    ],
  );
  assert.equal(parseCliArgs(['--once', '--dry-run']).dryRun, true);
});

test('flags that contradict each other are usage errors', () => {
  assert.throws(() => parseCliArgs(['--job', 'a', '--once']), {
    name: 'UsageError',
    message: /--job and --once do not go together/,
  });
  assert.throws(() => parseCliArgs(['--dry-run']), {
    name: 'UsageError',
    message: /--dry-run needs --job JOB or --once/,
  });
});

test('the help names --once and the exit status of a busy worker', () => {
  assert.match(HELP, /^ {2}--once {11}Run every job once, in config order, then exit$/m);
  assert.match(HELP, /3 another nexus-worker is running/);
  assert.ok(HELP.split('\n').every((line) => line.length <= 100));
});

test('NEXUS_WORKER_MINUTE_MS shortens the minute, and only to a whole positive number', () => {
  assert.equal(minuteLengthMs({}), MINUTE_MS);
  assert.equal(minuteLengthMs({ NEXUS_WORKER_MINUTE_MS: '250' }), 250);
  for (const bad of ['0', '-5', '1.5', 'fast']) {
    assert.throws(() => minuteLengthMs({ NEXUS_WORKER_MINUTE_MS: bad }), UsageError);
  }
});

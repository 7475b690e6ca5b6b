import assert from 'node:assert/strict';
import { test } from 'node:test';

import { HELP, parseCliArgs } from '../../src/cli/args.js';
import { runCli } from '../helpers/run-cli.js';

test('status and check are commands; the flags of the spec keep their meaning', () => {
  const parsed = [
    parseCliArgs(['status', '--config', 'a.json']),
    parseCliArgs(['--json', 'status']),
    parseCliArgs(['check', '--verbose']),
    parseCliArgs(['--job', 'status']),
    parseCliArgs([]),
  ].map((cli) => [cli.command, cli.config, cli.json, cli.job, cli.verbose]);

  assert.deepEqual(parsed, [
    ['status', 'a.json', false, undefined, false],
    ['status', 'config.json', true, undefined, false],
    ['check', 'config.json', false, undefined, true],
    [undefined, 'config.json', false, 'status', false],
    [undefined, 'config.json', false, undefined, false],
  ]);
});

test('flags that run jobs, --json elsewhere, and a second word are usage errors', () => {
  const refusals: [string[], RegExp][] = [
    [['status', '--job', 'inbox'], /^--job does not go with status: status runs no job$/],
    [['check', '--once'], /^--once does not go with check/],
    [['status', '--dry-run'], /^--dry-run does not go with status/],
    [['check', '--json'], /^--json goes with status: nexus-worker status --json$/],
    [['--json'], /^--json goes with status/],
    [['status', 'now'], /^status takes no further arguments, but was given "now"$/],
  ];
  for (const [argv, message] of refusals) {
    assert.throws(() => parseCliArgs(argv), { name: 'UsageError', message }, argv.join(' '));
  }
});

test('an unknown command exits 2 and names the commands there are', async () => {
  const run = await runCli(['stauts']);

  assert.equal(run.code, 2);
  assert.equal(run.stdout, '');
  assert.match(
    run.stderr,
    /^nexus-worker: Unknown command "stauts": the commands are status and check; without one, /,
  );
});

test('the help lists both commands and --json, within 100 columns', () => {
  assert.match(HELP, /^usage: nexus-worker \[-h\] \[--config CONFIG\] \[--job JOB\]/);
  assert.match(HELP, /^ {7}nexus-worker status \[--config CONFIG\] \[--json\]$/m);
  assert.match(HELP, /^ {7}nexus-worker check \[--config CONFIG\]$/m);
  assert.match(HELP, /^ {2}status {11}Show each job's last run/m);
  assert.match(HELP, /^ {2}check {12}Check the config, Nexus/m);
  assert.match(HELP, /^ {2}--json {11}With status: print JSON/m);
  assert.ok(HELP.split('\n').every((line) => line.length <= 100));
});

test('an unknown option is named alone, without advice about positionals the worker lacks',
  async () => {
    const argvs = [['--bogus'], ['status', '-x'], ['--bogus=1']];
    const runs = await Promise.all(argvs.map((argv) => runCli(argv)));

    const hint = 'Run nexus-worker --help for the options.\n';
    assert.deepEqual(
      runs.map((run) => [run.code, run.stdout, run.stderr]),
      [
        [2, '', `nexus-worker: Unknown option '--bogus'\n${hint}`],
        [2, '', `nexus-worker: Unknown option '-x'\n${hint}`],
        [2, '', `nexus-worker: Unknown option '--bogus'\n${hint}`],
      ],
    );
  },
);

test('a flag without its value keeps Node\'s own message, which says what is missing', async () => {
  const run = await runCli(['--config']);

  assert.equal(run.code, 2);
  assert.equal(
    run.stderr,
    "nexus-worker: Option '--config <value>' argument missing\n" +
      'Run nexus-worker --help for the options.\n',
  );
});

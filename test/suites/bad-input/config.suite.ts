/**
 * Config files as people really get them wrong, beyond test/cli/config-errors.test.ts: a BOM,
 * the key in the wrong quotes, repeated keys, numbers no timer can hold, strings for numbers,
 * lookalike ids, a symlink, a FIFO, a key no HTTP header can carry. Each is either loaded as
 * meant or refused with exit 2 naming the field, and never shows any part of the key.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';

import { runCli, type CliRun } from '../../helpers/run-cli.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { assertNoKeyIn, testKey } from './guard.js';

const JOB_ID = 'main-sessions';
const RUN_LIMIT_MS = 20_000;

interface ConfigCase {
  dir: string;
  file: string;
  key: string;
  /** `--job main-sessions --dry-run` on the file: it loads the config and touches nothing. */
  run(extraEnv?: Record<string, string>): Promise<CliRun>;
}

/** A temp folder with a sessions folder and `config.json` holding what `write` makes of it. */
async function configCase(
  t: TestContext,
  write: (base: Record<string, unknown>, key: string) => string | Record<string, unknown>,
): Promise<ConfigCase> {
  const dir = await makeTempDir(t, 'bad-config-');
  const key = testKey();
  await mkdir(path.join(dir, 'sessions'));
  const base = {
    url: 'http://127.0.0.1:9/api',
    apiKey: key,
    stateDir: 'state',
    jobs: [
      {
        id: JOB_ID,
        type: 'session_upload',
        description: 'Upload main sessions',
        intervalMinutes: 30,
        args: ['sessions', 'archive', 'main'],
      },
    ],
  };
  const made = write(base, key);
  const file = path.join(dir, 'config.json');
  const text = typeof made === 'string' ? made : JSON.stringify(made, null, 2);
  await writeFile(file, text, { mode: 0o600 });

  const run = async (extraEnv: Record<string, string> = {}) => {
    const cli = await runCli(['--config', file, '--job', JOB_ID, '--dry-run'], {
      cwd: dir,
      env: extraEnv,
      secrets: [key],
      timeoutMs: RUN_LIMIT_MS,
    });
    assert.equal(cli.signal, null, `the run hung and was killed:\n${cli.stderr}`);
    assertNoKeyIn(cli.stderr, key, 'stderr');
    assertNoKeyIn(cli.stdout, key, 'stdout');
    return cli;
  };
  return { dir, file, key, run };
}

/** Exit 2, nothing run, every expected line in the message, no stack trace. */
function assertRefused(run: CliRun, ...expected: RegExp[]): void {
  assert.equal(run.code, 2, `expected the config to be refused:\n${run.stderr}`);
  assert.equal(run.stdout, '', 'nothing may run on a refused config');
  for (const pattern of expected) assert.match(run.stderr, pattern);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'a config error shows no stack trace');
}

function withJobOptions(base: Record<string, unknown>, options: Record<string, unknown>) {
  const [job] = base.jobs as Array<Record<string, unknown>>;
  return { ...base, jobs: [{ ...job, options }] };
}

describe('bad input: config files', { concurrency: 4 }, () => {
  test('a byte-order mark (Windows Notepad) before the JSON is accepted', async (t) => {
    const config = await configCase(t, (base) => `\ufeff${JSON.stringify(base, null, 2)}`);

    const run = await config.run();

    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).jobId, JOB_ID);
  });

  const keySyntaxErrors: Array<{ what: string; text: (key: string) => string }> = [
    {
      what: 'the key in single quotes',
      text: (key) => `{\n  "url": "http://x/api",\n  "apiKey": '${key}',\n  "jobs": []\n}`,
    },
    {
      what: 'the key without quotes',
      text: (key) => `{"url": "http://127.0.0.1:9/api", "apiKey": ${key}, "jobs": []}`,
    },
    {
      what: 'an undefined right after the key',
      text: (key) => `{"url": "http://x/api", "apiKey": "${key}", "jobs": undefined}`,
    },
  ];

  for (const { what, text } of keySyntaxErrors) {
    test(`bad JSON with ${what}: refused at line and column, no piece of the key`, async (t) => {
      const config = await configCase(t, (_base, key) => text(key));

      const run = await config.run();

      assertRefused(run, /is not valid JSON at line \d+, column \d+/);
    });
  }

  test('a key given twice is named in a warning; the last one counts, as in Python', async (t) => {
    const config = await configCase(t, (base) => {
      const text = JSON.stringify(base, null, 2);
      // The first "jobs" is silently dropped by JSON.parse unless the worker says something.
      return text.replace('"jobs": [', '"jobs": [],\n  "jobs": [');
    });

    const run = await config.run();

    assert.equal(run.code, 0, run.stderr);
    assert.equal(JSON.parse(run.stdout).jobId, JOB_ID, 'the first, empty "jobs" was used');
    assert.match(run.stderr, /\[WARNING\] .*"jobs" .*(twice|more than once|duplicate)/i);
    assert.match(run.stderr, /"jobs" is given twice, on lines 5 and 6; only the last one counts/);
  });

  const untimeable: Array<{ field: RegExp; change: (base: Record<string, unknown>) => unknown }> = [
    { field: /requestTimeoutSeconds/, change: (base) => ({ ...base, requestTimeoutSeconds: 1e9 }) },
    {
      field: /retry\.minDelaySeconds/,
      change: (base) => ({
        ...base,
        retry: { retries: 1, minDelaySeconds: 1e308, maxDelaySeconds: 1e308 },
      }),
    },
    {
      field: /jobs\[0\]\.options\.settleMinutes/,
      change: (base) => withJobOptions(base, { settleMinutes: 1e308 }),
    },
    {
      field: /notify\.timeoutSeconds/,
      change: (base) => ({ ...base, notify: { type: 'cli', timeoutSeconds: 1e9 } }),
    },
  ];

  for (const { field, change } of untimeable) {
    const name = field.source.replaceAll('\\', '');
    test(`${name} too large for any timer is refused, naming it`, async (t) => {
      const config = await configCase(t, (base) => change(base) as Record<string, unknown>);

      const run = await config.run();

      assertRefused(run, new RegExp(`${field.source}: `));
    });
  }

  test('a number JSON reads as Infinity (1e400) is called what it is', async (t) => {
    const config = await configCase(t, (base) =>
      JSON.stringify({ ...base, requestTimeoutSeconds: 7 })
        .replace('"requestTimeoutSeconds":7', '"requestTimeoutSeconds":1e400'),
    );

    const run = await config.run();

    assertRefused(run, /requestTimeoutSeconds: must be a finite number/);
    assert.doesNotMatch(run.stderr, /must be a number, not a number/);
  });

  test('numbers as strings ("-5", "NaN", "Infinity", "0x10", "") are all reported', async (t) => {
    const config = await configCase(t, (base) => ({
      ...withJobOptions(base, { settleMinutes: 'NaN', concurrency: '0x10', maxFileBytes: '' }),
      requestTimeoutSeconds: 'Infinity',
      retry: { retries: '-5' },
    }));

    const run = await config.run();

    assertRefused(
      run,
      /requestTimeoutSeconds: must be a number, not a string/,
      /retry\.retries: must be a number, not a string/,
      /jobs\[0\]\.options\.settleMinutes: must be a number, not a string/,
      /jobs\[0\]\.options\.concurrency: must be a number, not a string/,
      /jobs\[0\]\.options\.maxFileBytes: must be a number, not a string/,
    );
  });

  test('ids with lookalike letters, invisible or direction marks: each refused', async (t) => {
    const config = await configCase(t, (base) => {
      const [job] = base.jobs as Array<Record<string, unknown>>;
      return {
        ...base,
        jobs: [
          { ...job, id: 'mäin-sessions' },
          { ...job, id: 'main\u200bsessions', args: ['sessions', 'archive', '\u043cain'] },
          { ...job, id: 'main-\u202esnoisses', notifyAgentId: 'ops👋' },
        ],
      };
    });

    const run = await config.run();

    assertRefused(
      run,
      /jobs\[0\]\.id: must be 1-64 letters/,
      /jobs\[1\]\.id: must be 1-64 letters/,
      /jobs\[1\]\.args\[2\]: agent id must be 1-64 letters/,
      /jobs\[2\]\.id: must be 1-64 letters/,
      /jobs\[2\]\.notifyAgentId: agent id must be 1-64 letters/,
    );
    assert.ok(!run.stderr.includes('\u202e'), 'a direction override reached the terminal');
  });

  test('a key no HTTP header can carry is a config error, not a failure per request', async (t) => {
    const config = await configCase(t, (base, key) => ({ ...base, apiKey: `${key}\u043a\u0001` }));

    const run = await config.run();

    assertRefused(run, /apiKey: /);
  });

  test('a symlinked config: the target\'s mode counts, paths resolve by the link', async (t) => {
    const config = await configCase(t, (base) => base);
    const linkDir = path.join(config.dir, 'etc');
    await mkdir(linkDir);
    await mkdir(path.join(linkDir, 'sessions'));
    const link = path.join(linkDir, 'config.json');
    await symlink(config.file, link);
    await chmod(config.file, 0o644);

    const run = await runCli(['--config', link, '--job', JOB_ID], {
      cwd: config.dir,
      secrets: [config.key],
      timeoutMs: RUN_LIMIT_MS,
    });

    assert.equal(run.code, 0, run.stderr);
    const warning = /\[WARNING\] \[scheduler\] Config file .*readable by other users \(mode 644\)/;
    assert.match(run.stderr, warning);
    const besideLink = ['archive', 'config.json', 'sessions', 'state'];
    assert.deepEqual((await readdir(linkDir)).sort(), besideLink);
    assert.deepEqual((await readdir(config.dir)).sort(), ['config.json', 'etc', 'sessions']);
  });

  test('a config path that is a FIFO is refused at once, not waited on for a writer', async (t) => {
    const config = await configCase(t, (base) => base);
    const fifo = path.join(config.dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);

    // `--config=` so that runCli, which reads the config to learn its secrets, does not block.
    const run = await runCli([`--config=${fifo}`, '--job', JOB_ID], { timeoutMs: RUN_LIMIT_MS });

    assert.equal(run.signal, null, 'the worker blocked on the FIFO');
    assertRefused(run, /Config (file|path) .*fifo\.json is not a regular file/);
  });

  test('a config nested 100,000 levels deep is refused with a message, not a crash', async (t) => {
    const depth = 100_000;
    const config = await configCase(t, (base) => {
      const text = JSON.stringify(base);
      return `${text.slice(0, -1)}, "jobs": ${'['.repeat(depth)}${']'.repeat(depth)}}`;
    });

    const run = await config.run();

    assertRefused(run, /jobs(\[0\])?: /);
    assert.ok(run.stderr.length < 10_000, 'the message repeats itself for every level');
  });
});

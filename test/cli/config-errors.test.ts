import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const KEY = 'config-test-key-5f1c9a';

function validJob(overrides: Record<string, unknown> = {}) {
  return {
    id: 'main-sessions',
    type: 'session_upload',
    description: 'Upload main agent sessions',
    intervalMinutes: 60,
    args: ['/tmp/sessions', '/tmp/sessions/archive', 'main'],
    ...overrides,
  };
}

function validConfig(overrides: Record<string, unknown> = {}) {
  return { url: 'http://127.0.0.1:9/api', apiKey: KEY, jobs: [validJob()], ...overrides };
}

/** Each case: the file's text, and what the message must say. */
const cases: Array<{ name: string; text: string; expect: RegExp[] }> = [
  { name: 'empty file', text: '', expect: [/is empty/] },
  { name: 'not JSON', text: '{"url": "x",', expect: [/not valid JSON/] },
  {
    name: 'bad JSON with position',
    text: '{\n  "url": \'x\'\n}',
    expect: [/at line 2, column 10/],
  },
  {
    name: 'bad JSON next to the key, which is not echoed',
    text: `{"apiKey": "${KEY}" "url": 1}`,
    expect: [/not valid JSON at line 1, column \d+/],
  },
  {
    name: 'unterminated JSON',
    text: `{"apiKey": "${KEY}", "url": "http://x`,
    expect: [/not valid JSON/],
  },
  { name: 'top level array', text: '[]', expect: [/\(top level\): must be an object/] },
  { name: 'top level null', text: 'null', expect: [/must be an object, not null/] },
  {
    name: 'missing url and jobs',
    text: JSON.stringify({ apiKey: KEY }),
    expect: [/url: is required/, /jobs: is required/],
  },
  {
    name: 'url not http',
    text: JSON.stringify(validConfig({ url: 'ftp://example.com/api' })),
    expect: [/url: must be an http\(s\) URL/],
  },
  {
    name: 'url not a URL',
    text: JSON.stringify(validConfig({ url: 'nexus' })),
    expect: [/url: must be an http\(s\) URL/],
  },
  {
    name: 'apiKey missing',
    text: JSON.stringify({ url: 'http://127.0.0.1:9/api', jobs: [validJob()] }),
    expect: [/apiKey: is required \(or set NEXUS_API_KEY/],
  },
  {
    name: 'jobs empty',
    text: JSON.stringify(validConfig({ jobs: [] })),
    expect: [/jobs: must list at least one job/],
  },
  {
    name: 'jobs not an array',
    text: JSON.stringify(validConfig({ jobs: {} })),
    expect: [/jobs: must be an array, not an object/],
  },
  {
    name: 'unknown job type',
    text: JSON.stringify(validConfig({ jobs: [validJob({ type: 'mail_pull' })] })),
    expect: [/jobs\[0\]\.type: must be one of "session_upload", "webhook_pull"/],
  },
  {
    name: 'duplicate job ids',
    text: JSON.stringify(validConfig({ jobs: [validJob(), validJob()] })),
    expect: [/jobs\[1\]\.id: duplicate job id "main-sessions" \(also jobs\[0\]\)/],
  },
  {
    name: 'interval not whole',
    text: JSON.stringify(validConfig({ jobs: [validJob({ intervalMinutes: 0.5 })] })),
    expect: [/jobs\[0\]\.intervalMinutes: must be a whole number/],
  },
  {
    name: 'interval zero',
    text: JSON.stringify(validConfig({ jobs: [validJob({ intervalMinutes: 0 })] })),
    expect: [/jobs\[0\]\.intervalMinutes: Too small/],
  },
  {
    name: 'too few args',
    text: JSON.stringify(validConfig({ jobs: [validJob({ args: ['/a', '/b'] })] })),
    expect: [/jobs\[0\]\.args: must be \[sessionsDir, archiveDir, agentId\]/],
  },
  {
    name: 'arg of the wrong type',
    text: JSON.stringify(validConfig({ jobs: [validJob({ args: ['/a', '/b', 7] })] })),
    expect: [/jobs\[0\]\.args\[2\]: must be a string, not a number/],
  },
  {
    name: 'agent id with a slash',
    text: JSON.stringify(validConfig({ jobs: [validJob({ args: ['/a', '/b', '../x'] })] })),
    expect: [/jobs\[0\]\.args\[2\]: agent id must be/],
  },
  {
    name: 'archive same as sessions',
    text: JSON.stringify(validConfig({ jobs: [validJob({ args: ['/a', '/a', 'main'] })] })),
    expect: [/jobs\[0\]\.args: archiveDir must differ from sessionsDir/],
  },
  {
    name: 'unknown job field',
    text: JSON.stringify(validConfig({ jobs: [validJob({ notify_agent: 'x' })] })),
    expect: [/jobs\[0\]: Unrecognized key: "notify_agent"/],
  },
  {
    name: 'bad job option',
    text: JSON.stringify(
      validConfig({ jobs: [validJob({ options: { settleMinutes: -1, concurrency: 0 } })] }),
    ),
    expect: [/jobs\[0\]\.options\.settleMinutes: Too small/, /options\.concurrency: Too small/],
  },
  {
    name: 'job id with spaces',
    text: JSON.stringify(validConfig({ jobs: [validJob({ id: 'main sessions' })] })),
    expect: [/jobs\[0\]\.id: must be 1-64 letters/],
  },
];

for (const { name, text, expect } of cases) {
  test(`malformed config: ${name} → exit 2 with a clear message`, async (t) => {
    const dir = await makeTempDir(t);
    const file = path.join(dir, 'config.json');
    await writeFile(file, text, { mode: 0o600 });

    const run = await runCli(['--config', file, '--job', 'main-sessions'], { secrets: [KEY] });

    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, '', 'nothing is run, so no JobResult is printed');
    for (const pattern of expect) assert.match(run.stderr, pattern);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'a config error shows no stack trace');
  });
}

test('a missing config file names the path and exits 2', async (t) => {
  const dir = await makeTempDir(t);
  const run = await runCli(['--job', 'x'], { cwd: dir });

  assert.equal(run.code, 2);
  assert.match(run.stderr, /Config file not found: .*config\.json/);
});

test('a config path that is a folder exits 2', async (t) => {
  const dir = await makeTempDir(t);
  await mkdir(path.join(dir, 'config.json'));
  const run = await runCli(['--job', 'x'], { cwd: dir });

  assert.equal(run.code, 2);
  assert.match(run.stderr, /is a folder/);
});

test('an unknown job id exits 2 and lists the known ones', async (t) => {
  const dir = await makeTempDir(t);
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify(validConfig()), { mode: 0o600 });

  const run = await runCli(['--config', file, '--job', 'nope'], { secrets: [KEY] });

  assert.equal(run.code, 2);
  assert.match(run.stderr, /Unknown job "nope"\. Jobs in .*: main-sessions/);
});

test('an unknown flag exits 2 and points to --help', async () => {
  const run = await runCli(['--jbo', 'x']);

  assert.equal(run.code, 2);
  assert.match(run.stderr, /Unknown option '--jbo'/);
  assert.match(run.stderr, /--help/);
});

test('NEXUS_API_KEY stands in for a missing apiKey; no key in the file, no mode warning',
  async (t) => {
    const dir = await makeTempDir(t);
    const file = path.join(dir, 'config.json');
    const config = validConfig({ jobs: [validJob({ args: [dir, path.join(dir, 'a'), 'main'] })] });
    delete (config as { apiKey?: string }).apiKey;
    await writeFile(file, JSON.stringify(config));
    await chmod(file, 0o644);

    const run = await runCli(['--config', file, '--job', 'main-sessions', '--dry-run'], {
      env: { NEXUS_API_KEY: KEY },
    });

    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /readable by other users/);
  },
);

test('a config that holds the key and is readable by others is warned about', async (t) => {
  const dir = await makeTempDir(t);
  const file = path.join(dir, 'config.json');
  const config = validConfig({ jobs: [validJob({ args: [dir, path.join(dir, 'a'), 'main'] })] });
  await writeFile(file, JSON.stringify(config));
  await chmod(file, 0o644);

  const run = await runCli(['--config', file, '--job', 'main-sessions', '--dry-run']);

  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /\[WARNING\] \[scheduler\] Config file .* is readable by other users/);
});

test('--help and --version exit 0', async () => {
  const help = await runCli(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: nexus-worker \[-h\] \[--config CONFIG\] \[--job JOB\]/);

  const version = await runCli(['--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^nexus-worker \d+\.\d+\.\d+\n$/);
});

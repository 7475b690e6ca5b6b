import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { makeTempDir } from '../helpers/temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The built bin: tests run what users run (`npm test` builds first). */
const BIN_PATH = join(ROOT, 'dist', 'local-nexus', 'main.js');
const LISTENING_LINE = /^nexus-local listening on (http:\/\/127\.0\.0\.1:\d+\/api) \(data: (.+)\)$/;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startBin(args: string[], env: Record<string, string> = {}) {
  assert.ok(existsSync(BIN_PATH), `${BIN_PATH} is missing: run npm run build first`);
  const child = spawn(process.execPath, [BIN_PATH, ...args], {
    env: { ...process.env, NEXUS_API_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));

  // A stuck child must fail the test, not hang the run.
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const finished = new Promise<Finished>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killTimer);
      resolve({ code, ...output });
    });
  });

  const listening = new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout.on('data', () => {
      const lines = output.stdout.split('\n');
      if (lines.length < 2) return;
      const match = LISTENING_LINE.exec(lines[0]!);
      if (match) resolve(match);
      else reject(new Error(`unexpected first line: ${lines[0]}`));
    });
    void finished.then((run) => reject(new Error(`exited ${run.code} first: ${run.stderr}`)));
  });
  // Runs that are expected to exit never wait for this; their rejection is not a failure.
  listening.catch(() => {});
  return { child, listening, finished };
}

test('the bin prints its URL, serves, never prints the key and stops on SIGTERM', async (t) => {
  const dataDir = await makeTempDir(t);
  const apiKey = 'bin-test-key-5f2c9e';
  const bin = startBin(['--port', '0', '--data-dir', dataDir, '--verbose'], {
    NEXUS_API_KEY: apiKey,
  });

  const [, url, printedDataDir] = await bin.listening;
  const health = await fetch(`${url}/health`);
  const byCode = await fetch(`${url}/webhook/pending?agentId=main&code=${apiKey}`);
  const wrongKey = await fetch(`${url}/sessions`, { headers: { 'x-functions-key': 'nope' } });
  await Promise.all([health.text(), byCode.text(), wrongKey.text()]);
  bin.child.kill('SIGTERM');
  const run = await bin.finished;

  assert.equal(printedDataDir, dataDir);
  assert.deepEqual([health.status, byCode.status, wrongKey.status], [200, 200, 401]);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout.split('\n').filter(Boolean).length, 1, 'stdout has one line');
  assert.match(run.stderr, /GET \/api\/webhook\/pending 200\n/);
  assert.match(run.stderr, /GET \/api\/sessions 401\n/);
  assert.match(run.stderr, /SIGTERM/);
  assert.ok(!`${run.stdout}${run.stderr}`.includes(apiKey), 'the key was printed');
  assert.ok(existsSync(join(dataDir, 'nexus.sqlite')));
});

test('the bin takes the key from --api-key, is quiet by default and stops on SIGINT', async (t) => {
  const dataDir = await makeTempDir(t);
  const apiKey = 'flag-key-8d1a';
  const bin = startBin(['--port', '0', '--data-dir', dataDir, '--api-key', apiKey]);

  const [, url] = await bin.listening;
  const answer = await fetch(`${url}/sessions`, { headers: { 'x-functions-key': apiKey } });
  await answer.text();
  bin.child.kill('SIGINT');
  const run = await bin.finished;

  assert.equal(answer.status, 200);
  assert.equal(run.code, 0, run.stderr);
  assert.doesNotMatch(run.stderr, /GET /, 'no request lines without --verbose');
  assert.ok(!`${run.stdout}${run.stderr}`.includes(apiKey), 'the key was printed');
});

test('without a key the bin exits 2 and says how to give one', async () => {
  const run = await startBin(['--port', '0']).finished;

  assert.equal(run.code, 2);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /NEXUS_API_KEY/);
});

test('a bad flag exits 2 with a message', async () => {
  const run = await startBin(['--port', 'many'], { NEXUS_API_KEY: 'k' }).finished;

  assert.equal(run.code, 2);
  assert.match(run.stderr, /--port/);
});

test('a port in use exits 1 with a hint and without the key', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const address = blocker.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const dataDir = await makeTempDir(t);

  const run = await startBin(['--port', String(port), '--data-dir', dataDir], {
    NEXUS_API_KEY: 'in-use-key',
  }).finished;

  assert.equal(run.code, 1);
  assert.match(run.stderr, /--port/);
  assert.ok(!run.stderr.includes('in-use-key'));
});

test('--version prints the package version and --help the options', async () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };

  const [version, help] = await Promise.all([
    startBin(['--version']).finished,
    startBin(['--help']).finished,
  ]);

  assert.deepEqual([version.code, version.stdout], [0, `${manifest.version}\n`]);
  assert.equal(help.code, 0);
  for (const flag of ['--port', '--host', '--data-dir', '--api-key', '--verbose']) {
    assert.ok(help.stdout.includes(flag), flag);
  }
});

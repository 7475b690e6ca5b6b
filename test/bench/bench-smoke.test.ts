/**
 * A smoke test of `npm run bench`: the smallest scenario at --quick sizes, checking the shape of
 * what it writes and that it cleans up, never its timings (those depend on the machine).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface BenchRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBench(args: string[], tempDir: string): Promise<BenchRun> {
  // The bench puts its generated data under the temp folder; this one is the test's own.
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tempDir };
  delete env.NEXUS_BENCH_DIST;
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** What the bench left in the temp folder; tsx keeps its own cache there too, which is fine. */
async function benchLeftovers(tempDir: string): Promise<string[]> {
  return (await readdir(tempDir)).filter((name) => name.startsWith('nexus-bench'));
}

interface Measure {
  name: string;
  value: number;
  unit: string;
  target?: { below?: number; atMost?: number };
  pass?: boolean;
}

test('--quick --only scan writes machine info and measures with checked targets', async () => {
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'bench-smoke-'));
  try {
    const out = path.join(tempDir, 'results.json');
    const run = await runBench(['--quick', '--only', 'scan', '--out', out], tempDir);
    assert.equal(run.code, 0, run.stderr);

    const report = JSON.parse(await readFile(out, 'utf8'));
    assert.equal(report.machine.cores, os.cpus().length);
    assert.equal(report.machine.nodeVersion, process.version);
    assert.ok(report.machine.ramGiB > 0);
    assert.ok(!Number.isNaN(Date.parse(report.machine.date)));
    assert.deepEqual(report.options, { quick: true, only: ['scan'], cpuProfile: false });
    assert.equal(report.build.dist, path.join(root, 'dist'));

    assert.deepEqual(report.scenarios.map((s: { name: string }) => s.name), ['scan']);
    const [scan] = report.scenarios;
    assert.equal(scan.status, 'ok', scan.reason);
    const measures = scan.measures as Measure[];
    assert.ok(measures.length > 0);
    for (const item of measures) {
      assert.ok(Number.isFinite(item.value) && item.value >= 0, `${item.name}: ${item.value}`);
      assert.ok(item.unit.length > 0);
    }

    const targeted = measures.filter((item) => item.target);
    assert.ok(targeted.length > 0, 'the scan has a target to check');
    for (const item of targeted) {
      const limit = item.target?.below ?? item.target?.atMost ?? Number.NaN;
      const meets = item.target?.below !== undefined ? item.value < limit : item.value <= limit;
      assert.equal(item.pass, meets, item.name);
      assert.match(run.stdout, new RegExp(`${item.name}.*${meets ? 'PASS' : 'FAIL'}`));
    }

    assert.deepEqual(await benchLeftovers(tempDir), [], 'generated data is removed');
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
});

test('an unknown scenario is refused with exit code 2, naming the known ones', async () => {
  const tempDir = await mkdtemp(path.join(os.tmpdir(), 'bench-smoke-'));
  try {
    const run = await runBench(['--only', 'no-such-scenario'], tempDir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown scenario no-such-scenario; known: backfill, /);
    assert.deepEqual(await benchLeftovers(tempDir), [], 'nothing was generated');
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
});

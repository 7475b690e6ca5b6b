/**
 * `npm run bench`: builds nothing itself (the npm script builds first), generates the data
 * each scenario needs in a temp folder, runs the real CLI and the local Nexus as separate
 * processes, prints a table with PASS/FAIL per target and writes the results as JSON.
 */
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { helpText, parseBenchOptions, type BenchOptions } from './options.js';
import { CLI_PATH } from './paths.js';
import { buildInfo } from './report/build-info.js';
import { machineInfo } from './report/machine.js';
import type { ScenarioResult } from './report/results.js';
import { formatTable } from './report/table.js';
import { failed, type Scenario } from './scenario.js';
import { backfill } from './scenarios/backfill.js';
import { idleDaemon } from './scenarios/idle-daemon.js';
import { largeTranscripts } from './scenarios/large-transcripts.js';
import { scan } from './scenarios/scan.js';
import { webhookPull } from './scenarios/webhook-pull.js';
import { FULL_SIZES, QUICK_SIZES } from './sizes.js';

/** In the order they run; webhook_pull and the daemon come last, as they are the newest code. */
const SCENARIOS: Scenario[] = [backfill, largeTranscripts, scan, webhookPull, idleDaemon];

async function main(argv: string[]): Promise<number> {
  const options = parseBenchOptions(argv, SCENARIOS.map((scenario) => scenario.name));
  if (options.help) {
    process.stdout.write(helpText(SCENARIOS));
    return 0;
  }
  if (!existsSync(CLI_PATH)) {
    const hint = 'run npm run build first, or set NEXUS_BENCH_DIST to another build';
    process.stderr.write(`bench: ${CLI_PATH} is missing; ${hint}\n`);
    return 2;
  }

  const machine = machineInfo();
  const started = performance.now();
  const tempRoot = await mkdtemp(path.join(os.tmpdir(), 'nexus-bench-'));
  const removeTemp = (): void => rmSync(tempRoot, { recursive: true, force: true });
  const onSignal = (): void => {
    removeTemp();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const results: ScenarioResult[] = [];
  try {
    for (const scenario of selected(options)) {
      results.push(await runScenario(scenario, options, path.join(tempRoot, scenario.name)));
    }
  } finally {
    removeTemp();
  }

  process.stdout.write(`\n${formatTable(machine, results)}`);
  const report = {
    machine,
    build: buildInfo(),
    options: { quick: options.quick, only: options.only, cpuProfile: options.cpuProfile },
    totalSeconds: Math.round((performance.now() - started) / 100) / 10,
    scenarios: results,
  };
  await writeAtomically(options.out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nResults written to ${options.out}\n`);
  return results.some((result) => result.status === 'error') ? 1 : 0;
}

function selected(options: BenchOptions): Scenario[] {
  if (options.only.length === 0) return SCENARIOS;
  return SCENARIOS.filter((scenario) => options.only.includes(scenario.name));
}

async function runScenario(
  scenario: Scenario,
  options: BenchOptions,
  workDir: string,
): Promise<ScenarioResult> {
  const begin = performance.now();
  const progress = (message: string): void => {
    const seconds = ((performance.now() - begin) / 1000).toFixed(1);
    process.stderr.write(`[bench] ${scenario.name} +${seconds}s: ${message}\n`);
  };

  await mkdir(workDir, { recursive: true });
  const context = {
    sizes: options.quick ? QUICK_SIZES : FULL_SIZES,
    workDir,
    cpuProfile: options.cpuProfile,
    progress,
  };
  let outcome;
  try {
    outcome = await scenario.run(context);
  } catch (error) {
    outcome = failed(error instanceof Error ? error.message : String(error));
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }

  const seconds = Math.round((performance.now() - begin) / 100) / 10;
  progress(outcome.status === 'ok' ? 'done' : `${outcome.status}: ${outcome.reason}`);
  return { name: scenario.name, ...outcome, seconds };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}

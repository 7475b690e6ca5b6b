/**
 * Scan: a sessions folder of 20,000 files with a 5,000-entry `sessions.json`, in which nothing
 * is due, then the same folder with a 100 MB store. Each is scanned in a child process by the
 * worker's own scan (time and memory of the scan alone), and run through the real CLI (what a
 * `--job` run with nothing to do costs end to end).
 */
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { writeCrowdedFolder, writeCrowdedStore } from '../generate/crowded-folder.js';
import { helperArgs, REPO_ROOT } from '../paths.js';
import { roundTo } from '../phases/upload-phase.js';
import { runMeasured } from '../process/measured-run.js';
import {
  runProblem,
  runWorkerJob,
  UNREACHED_NEXUS_URL,
  writeWorkerConfig,
} from '../process/worker-run.js';
import { newProfileDir, summariseNewestProfile } from '../report/cpu-profile.js';
import { measure, type Measure } from '../report/results.js';
import type { BenchContext, Scenario, ScenarioOutcome } from '../scenario.js';

const MB = 1_000_000;
const SCAN_TARGET_SECONDS = 1;
/** The worker reuses a parsed store only after 2 s without change, as a daemon mostly finds it. */
const STORE_STILL_MS = 2_500;

interface ScanReport {
  firstSeconds: number;
  /** CPU of the first scan, the helper's threads included. */
  firstCpuSeconds: number;
  warmSeconds: number[];
  ready: number;
  waiting: number;
  skipped: number;
  storeKnown: boolean;
  rssBeforeMib: number;
  peakRssMib: number;
}

export const scan: Scenario = {
  name: 'scan',
  summary: 'find what is due among 20,000 files (nothing is); again with a 100 MB store',
  run: runScan,
};

async function runScan(context: BenchContext): Promise<ScenarioOutcome> {
  const sizes = context.sizes.scan;
  const { workDir } = context;
  context.progress(`generating ${sizes.files} files`);
  const sessionsDir = path.join(workDir, 'sessions');
  const folder = await writeCrowdedFolder(sessionsDir, {
    files: sizes.files,
    liveSessions: sizes.storeEntries,
    seed: 23,
  });
  const storeFile = path.join(sessionsDir, 'sessions.json');
  const smallStore = await writeCrowdedStore(storeFile, folder, 'compact');
  const bigStoreFile = path.join(workDir, 'big-sessions.json');
  const bigStore = await writeCrowdedStore(bigStoreFile, folder, 'full', sizes.bigStoreBytes);
  const config = await writeConfig(workDir, sessionsDir);

  const profiles = context.cpuProfile ? await newProfileDir('scan') : undefined;
  context.progress(`scanning with a ${describeMB(smallStore.bytes)} store`);
  const small = await measureScans(sessionsDir, config, sizes.repeats, profiles);
  await rename(bigStoreFile, storeFile);
  context.progress(`scanning with a ${describeMB(bigStore.bytes)} store`);
  const big = await measureScans(sessionsDir, config, sizes.repeats, profiles);

  const files = sizes.files.toLocaleString('en-US');
  return {
    status: 'ok',
    measures: [
      measure(`${files}-file scan, first`, small.scan.firstSeconds, 's', {
        target: { below: SCAN_TARGET_SECONDS },
      }),
      ...scanMeasures(`${files} files`, small),
      measure(`${describeMB(bigStore.bytes)} store: scan, first`, big.scan.firstSeconds, 's'),
      ...scanMeasures(`${describeMB(bigStore.bytes)} store`, big),
    ],
    details: {
      files: sizes.files,
      counts: folder.counts,
      smallStore,
      bigStore,
      smallStoreRun: small,
      bigStoreRun: big,
    },
  };
}

interface ScanRuns {
  scan: ScanReport;
  cli: { wallSeconds: number; cpuSeconds: number; peakRssMib: number };
}

function scanMeasures(label: string, runs: ScanRuns): Measure[] {
  const warm = Math.min(...runs.scan.warmSeconds);
  return [
    measure(`${label}: first scan's CPU`, runs.scan.firstCpuSeconds, 's'),
    measure(`${label}: first scan's memory`, runs.scan.peakRssMib - runs.scan.rssBeforeMib, 'MiB'),
    ...(Number.isFinite(warm) ? [measure(`${label}: scan, warm`, warm, 's')] : []),
    measure(`${label}: CLI run, nothing due`, runs.cli.wallSeconds, 's'),
    measure(`${label}: CLI peak RSS`, runs.cli.peakRssMib, 'MiB'),
  ];
}

/** A scan in a child process, then a CLI run; the CLI run is profiled when `profiles` is set. */
async function measureScans(
  sessionsDir: string,
  config: string,
  repeats: number,
  profiles: string | undefined,
) {
  await sleep(STORE_STILL_MS);
  const nodeArgs = [...helperArgs('scan-folder.ts'), sessionsDir, String(repeats)];
  const child = await runMeasured({ nodeArgs, cwd: REPO_ROOT });
  let scan: ScanReport;
  try {
    scan = JSON.parse(child.stdout) as ScanReport;
  } catch {
    throw new Error(`scan helper printed no report: ${child.stderrTail.slice(-5).join(' | ')}`);
  }
  if (scan.ready !== 0 || !scan.storeKnown) {
    throw new Error(`expected nothing due, the scan found ${scan.ready} ready`);
  }

  const nodeFlags = profiles ? ['--cpu-prof', '--cpu-prof-dir', profiles] : [];
  const run = await runWorkerJob(config, 'scan', { nodeFlags });
  const problem = runProblem(run, 0);
  if (problem) throw new Error(`worker run: ${problem}`);
  const cli = {
    wallSeconds: roundTo(run.wallSeconds),
    cpuSeconds: roundTo(run.userSeconds + run.systemSeconds),
    peakRssMib: roundTo(run.peakRssMib, 1),
  };
  const cpuProfile = profiles ? await summariseNewestProfile(profiles) : undefined;
  return { scan, cli, cpuProfile };
}

async function writeConfig(workDir: string, sessionsDir: string): Promise<string> {
  const configDir = path.join(workDir, 'worker');
  await mkdir(configDir, { recursive: true });
  return writeWorkerConfig(configDir, UNREACHED_NEXUS_URL, [
    {
      id: 'scan',
      type: 'session_upload',
      args: [sessionsDir, path.join(workDir, 'archive'), 'bench'],
    },
  ]);
}

function describeMB(bytes: number): string {
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0)} MB`;
}

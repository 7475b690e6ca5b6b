/**
 * Runs the worker's folder scan, as built in dist/, on a sessions folder and reports how long
 * each scan took and how much memory it needed. The first scan runs on code V8 has not yet
 * optimised, as a `--job` run does; later ones show the daemon's steady cost.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { DIST_DIR } from '../paths.js';

type ScanModule = typeof import('../../src/openclaw/find-transcripts.js');

const [sessionsDir = '', repeatsText = '0'] = process.argv.slice(2);
const built = pathToFileURL(path.join(DIST_DIR, 'openclaw', 'find-transcripts.js'));
const { scanSessionsFolder } = (await import(built.href)) as ScanModule;

const rssBeforeMib = process.memoryUsage().rss / 1024 / 1024;
const seconds: number[] = [];
let result;
let peakRssMib = 0;
let firstCpuSeconds = 0;
for (let run = 0; run <= Number(repeatsText); run += 1) {
  const begin = performance.now();
  const cpuBefore = process.cpuUsage();
  result = await scanSessionsFolder(sessionsDir, { settleMs: 10 * 60_000 });
  seconds.push((performance.now() - begin) / 1000);
  if (run > 0) continue;

  // Later scans add garbage of their own; the first one is what a `--job` run pays. Its CPU
  // time, unlike its wall time, hardly depends on what else the machine is doing.
  const cpu = process.cpuUsage(cpuBefore);
  firstCpuSeconds = (cpu.user + cpu.system) / 1e6;
  peakRssMib = process.resourceUsage().maxRSS / 1024;
}

const report = {
  firstSeconds: seconds[0],
  firstCpuSeconds,
  warmSeconds: seconds.slice(1),
  ready: result?.ready.length,
  waiting: result?.waiting.length,
  skipped: result?.skipped.length,
  storeKnown: result?.store.known,
  rssBeforeMib,
  peakRssMib,
};
process.stdout.write(`${JSON.stringify(report)}\n`);

/**
 * Runs a Node process to completion and measures it from outside: wall time, CPU time and peak
 * resident memory. GNU time reads the last two from the kernel when the process exits, which is
 * exact; without it, /proc is sampled every few milliseconds, which can miss a short peak.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { cpuTimes, memoryKib } from './proc-stat.js';

const GNU_TIME = '/usr/bin/time';
const SAMPLE_EVERY_MS = 10;
const STDERR_TAIL_LINES = 40;

export interface MeasuredCommand {
  /** Arguments to `node`. */
  nodeArgs: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

export interface MeasuredRun {
  code: number | null;
  wallSeconds: number;
  userSeconds: number;
  systemSeconds: number;
  peakRssMib: number;
  stdout: string;
  /** The last lines the process wrote on stderr, for a report when it failed. */
  stderrTail: string[];
  method: 'gnu-time' | 'proc-sampling';
}

interface Usage {
  userSeconds: number;
  systemSeconds: number;
  peakRssMib: number;
}

export async function runMeasured(command: MeasuredCommand): Promise<MeasuredRun> {
  return existsSync(GNU_TIME) ? runUnderGnuTime(command) : runSampled(command);
}

async function runUnderGnuTime(command: MeasuredCommand): Promise<MeasuredRun> {
  const report = path.join(os.tmpdir(), `nexus-bench-time-${randomBytes(6).toString('hex')}`);
  const args = ['-f', '%U %S %M', '-o', report, process.execPath, ...command.nodeArgs];

  try {
    const run = await runChild(GNU_TIME, args, command, () => undefined);
    const lines = (await readFile(report, 'utf8')).trim().split('\n');
    const [user, system, maxKib] = (lines.at(-1) ?? '').split(' ').map(Number);
    const usage = { userSeconds: user ?? NaN, systemSeconds: system ?? NaN };
    return { ...run, ...usage, peakRssMib: (maxKib ?? NaN) / 1024, method: 'gnu-time' };
  } finally {
    await unlink(report).catch(() => undefined);
  }
}

async function runSampled(command: MeasuredCommand): Promise<MeasuredRun> {
  const usage: Usage = { userSeconds: 0, systemSeconds: 0, peakRssMib: 0 };
  let timer: NodeJS.Timeout | undefined;

  const run = await runChild(process.execPath, command.nodeArgs, command, (pid) => {
    const sample = async (): Promise<void> => {
      const [times, memory] = await Promise.all([cpuTimes(pid), memoryKib(pid)]);
      if (times) Object.assign(usage, { userSeconds: times.user, systemSeconds: times.system });
      if (memory) usage.peakRssMib = Math.max(usage.peakRssMib, memory.peakKib / 1024);
    };
    timer = setInterval(() => void sample(), SAMPLE_EVERY_MS);
  });
  clearInterval(timer);
  return { ...run, ...usage, method: 'proc-sampling' };
}

async function runChild(
  file: string,
  args: string[],
  command: MeasuredCommand,
  started: (pid: number) => void,
): Promise<Pick<MeasuredRun, 'code' | 'wallSeconds' | 'stdout' | 'stderrTail'>> {
  const begin = performance.now();
  const child = spawn(file, args, {
    cwd: command.cwd,
    env: command.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid !== undefined) started(child.pid);

  let stdout = '';
  const stderrTail: string[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    stderrTail.push(...lines);
    stderrTail.splice(0, Math.max(0, stderrTail.length - STDERR_TAIL_LINES));
  });

  const killer = setTimeout(() => child.kill('SIGKILL'), command.timeoutMs ?? 10 * 60_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode));
  });
  clearTimeout(killer);

  if (partial) stderrTail.push(partial);
  return { code, wallSeconds: (performance.now() - begin) / 1000, stdout, stderrTail };
}

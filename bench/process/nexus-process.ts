/**
 * The local Nexus in its own process, as a user would run it, so its CPU time and memory are
 * never counted as the worker's. Each bench phase starts a fresh one on an empty data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';

import { NEXUS_PATH, REPO_ROOT } from '../paths.js';
import { cpuSeconds, memoryKib } from './proc-stat.js';

export const BENCH_API_KEY = 'bench-key-not-secret';

export interface NexusProcess {
  /** Base URL ending in `/api`, as a worker config's `url` expects. */
  url: string;
  pid: number;
  /** CPU seconds the server has used since it started. */
  cpuSeconds(): Promise<number>;
  peakRssMib(): Promise<number>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;

export async function startNexus(dataDir: string): Promise<NexusProcess> {
  await mkdir(dataDir, { recursive: true });
  const child = spawn(process.execPath, [NEXUS_PATH, '--port', '0', '--data-dir', dataDir], {
    cwd: REPO_ROOT,
    env: { ...process.env, NEXUS_API_KEY: BENCH_API_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await listeningUrl(child);
  const pid = child.pid as number;

  return {
    url,
    pid,
    cpuSeconds: async () => (await cpuSeconds(pid)) ?? Number.NaN,
    peakRssMib: async () => ((await memoryKib(pid))?.peakKib ?? Number.NaN) / 1024,
    stop: () => stop(child),
  };
}

/** The URL from the server's one line on stdout, or its stderr when it does not start. */
function listeningUrl(child: ChildProcess): Promise<string> {
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`local Nexus did not start within ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS);

    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const match = /listening on (\S+)/.exec(stdout);
      if (!match?.[1]) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local Nexus exited with code ${code} before listening: ${stderr}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

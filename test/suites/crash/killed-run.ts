import { spawn } from 'node:child_process';

import { CLI_PATH, assertNoSecrets, type CliRun } from '../../helpers/run-cli.js';

/**
 * When to send SIGKILL: a time after spawning, or a little after the run has printed its
 * n-th log line, which reaches parts of a run too short for a random time to hit often.
 */
export type KillPoint =
  | { kind: 'time'; afterMs: number }
  | { kind: 'log-line'; nth: number; extraMs: number };

export interface WatchedRun extends CliRun {
  /** From spawn to exit. */
  elapsedMs: number;
  /** Log lines it printed on stderr. */
  logLines: number;
  /** True when our SIGKILL ended it; false when it had exited on its own first. */
  killed: boolean;
}

export function describeKillPoint(point: KillPoint): string {
  if (point.kind === 'time') return `at ${Math.round(point.afterMs)} ms`;
  return `${point.extraMs} ms after log line ${point.nth}`;
}

/**
 * Runs `nexus-worker` with `args` and sends it SIGKILL at `point` (never, when undefined): no
 * handler runs and nothing is flushed, as in a power cut or an out-of-memory kill.
 */
export async function runAndKill(
  args: string[],
  point: KillPoint | undefined,
  secrets: string[],
): Promise<WatchedRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    env: { ...process.env, NEXUS_API_KEY: undefined } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let closed = false;
  let killed = false;
  let timer: NodeJS.Timeout | undefined;
  const killIn = (ms: number) => {
    timer ??= setTimeout(() => {
      if (!closed) killed = child.kill('SIGKILL');
    }, ms);
  };
  if (point?.kind === 'time') killIn(point.afterMs);

  let stdout = '';
  let stderr = '';
  let logLines = 0;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    logLines += chunk.split('\n').length - 1;
    if (point?.kind === 'log-line' && logLines >= point.nth) killIn(point.extraMs);
  });
  // A run that hangs is a failure of its own; this only keeps the suite from hanging with it.
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (exitCode, exitSignal) => {
      closed = true;
      resolve([exitCode, exitSignal]);
    }),
  );
  const elapsedMs = performance.now() - started;
  clearTimeout(timer);
  clearTimeout(guard);

  assertNoSecrets({ stdout, stderr }, secrets);
  killed &&= signal === 'SIGKILL';
  return { code, signal, stdout, stderr, elapsedMs, logLines, killed };
}

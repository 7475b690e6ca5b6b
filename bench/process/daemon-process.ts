/**
 * The worker as a daemon (no --job, no --once), started from dist/ and watched through its log
 * lines, so the bench can wait until it is idle and then leave it alone.
 */
import { spawn } from 'node:child_process';

import { CLI_PATH, REPO_ROOT } from '../paths.js';
import { workerEnv } from './worker-run.js';

export interface DaemonProcess {
  pid: number;
  /** Log lines written so far. */
  lineCount(): number;
  stderrTail(): string[];
  /** Resolves true once a line matches; false if the daemon exits or time runs out first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<boolean>;
  /** SIGTERM, then the exit code once it has stopped. */
  stop(): Promise<number | null>;
}

const TAIL_LINES = 20;

export function startDaemon(configFile: string): DaemonProcess {
  const child = spawn(process.execPath, [CLI_PATH, '--config', configFile], {
    cwd: REPO_ROOT,
    env: workerEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  let count = 0;
  let partial = '';
  const watchers = new Set<() => void>();

  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const complete = (partial + chunk).split('\n');
    partial = complete.pop() ?? '';
    count += complete.length;
    lines.push(...complete);
    lines.splice(0, Math.max(0, lines.length - TAIL_LINES));
    for (const watcher of watchers) watcher();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  exited.then(() => watchers.forEach((watcher) => watcher()), () => undefined);

  return {
    pid: child.pid ?? -1,
    lineCount: () => count,
    stderrTail: () => [...lines],
    waitForLine: (pattern, timeoutMs) =>
      new Promise((resolve) => {
        const finish = (found: boolean): void => {
          watchers.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const check = (): void => {
          if (lines.some((line) => pattern.test(line))) finish(true);
          else if (child.exitCode !== null || child.signalCode !== null) finish(false);
        };
        const timer = setTimeout(() => finish(false), timeoutMs);
        watchers.add(check);
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

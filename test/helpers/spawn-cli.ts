import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import type { TestContext } from 'node:test';

import { CLI_PATH, TEST_STATE_HOME, type CliRun, type CliRunOptions } from './run-cli.js';


/** A `nexus-worker` child that keeps running (the daemon) while the test looks at its output. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves once `condition` holds for stderr; rejects if the child exits first or time is up. */
  waitForStderr(
    condition: (stderr: string) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<void>;
  /** Resolves when the child has exited; kills it and rejects if it takes longer than allowed. */
  exited(timeoutMs?: number): Promise<CliRun>;
}

/** Starts the built CLI; the test's end kills it if it is still running. */
export function spawnCli(t: TestContext, args: string[], options: CliRunOptions = {}): RunningCli {
  const env = {
    ...process.env,
    NEXUS_API_KEY: undefined,
    // A config without stateDir must not leave state in the real home folder.
    XDG_STATE_HOME: TEST_STATE_HOME,
    ...options.env,
  };
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((listener) => listener());
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    notify();
  });

  let hasClosed = false;
  const closed = new Promise<CliRun>((resolve) =>
    child.on('close', (code, signal) => {
      hasClosed = true;
      resolve({ code, signal, stdout, stderr });
      notify();
    }),
  );
  t.after(() => {
    if (!hasClosed) child.kill('SIGKILL');
  });

  const waitForStderr = (condition: (text: string) => boolean, what: string, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (condition(stderr)) return done(undefined);
        if (hasClosed) {
          return done(new Error(`the CLI exited before ${what}; stderr:\n${stderr}`));
        }
      };
      const timer = setTimeout(
        () => done(new Error(`timed out waiting for ${what}; stderr:\n${stderr}`)),
        timeoutMs,
      );
      const done = (error: Error | undefined) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      listeners.add(check);
      check();
    });

  const exited = async (timeoutMs = 15_000): Promise<CliRun> => {
    let tooLate = false;
    const timer = setTimeout(() => {
      tooLate = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const run = await closed;
    clearTimeout(timer);
    if (tooLate) throw new Error(`the CLI did not exit within ${timeoutMs} ms; stderr:\n${stderr}`);
    for (const secret of options.secrets ?? []) {
      assert.ok(!stdout.includes(secret), 'a secret appeared on stdout');
      assert.ok(!stderr.includes(secret), 'a secret appeared on stderr');
    }
    return run;
  };

  return {
    child,
    pid: child.pid ?? -1,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr,
    exited,
  };
}

/** How many lines of `text` match `pattern`. */
export function countLines(text: string, pattern: RegExp): number {
  return text.split('\n').filter((line) => pattern.test(line)).length;
}

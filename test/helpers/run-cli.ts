import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** XDG_STATE_HOME for every run, so a config without stateDir never writes to the home folder. */
export const TEST_STATE_HOME = path.join(os.tmpdir(), 'nexus-worker-test-state');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The built CLI: tests run what users run (`npm test` builds first). */
export const CLI_PATH = path.join(root, 'dist', 'cli', 'main.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Secrets that must not appear anywhere in the output; checked after every run. */
  secrets?: string[];
  timeoutMs?: number;
}

/** Runs `nexus-worker` as a child process and collects what it printed. */
export async function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
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
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(timer);

  const secrets = [...(options.secrets ?? []), ...secretsOf(args, env, options.cwd)];
  assertNoSecrets({ stdout, stderr }, secrets);
  return { code, signal, stdout, stderr };
}

/**
 * Every secret a run could know: the config's apiKey and notifier token, NEXUS_API_KEY. Found
 * by reading the config the run was given, so no test can forget to check one.
 */
export function secretsOf(
  args: string[],
  env: Record<string, string | undefined>,
  cwd = process.cwd(),
): string[] {
  const secrets: string[] = [];
  if (env.NEXUS_API_KEY) secrets.push(env.NEXUS_API_KEY);

  const at = args.indexOf('--config');
  const file = at >= 0 ? args[at + 1] : undefined;
  if (!file) return secrets;
  try {
    const config = JSON.parse(readFileSync(path.resolve(cwd, file), 'utf8')) as {
      apiKey?: unknown;
      notify?: { token?: unknown };
    };
    for (const value of [config.apiKey, config.notify?.token]) {
      if (typeof value === 'string' && value.length >= 6) secrets.push(value);
    }
  } catch {
    // A config the test made unreadable or invalid on purpose holds no secret to look for.
  }
  return secrets;
}

export function assertNoSecrets(output: { stdout: string; stderr: string }, secrets: string[]) {
  for (const secret of secrets) {
    assert.ok(!output.stdout.includes(secret), 'a secret appeared on stdout');
    assert.ok(!output.stderr.includes(secret), 'a secret appeared on stderr');
  }
}

/** The JobResult that `--job` prints on stdout. */
export function parseJobResult(run: CliRun): {
  jobId: string;
  success: boolean;
  message: string;
  itemsProcessed: number;
  errors: string[];
} {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`stdout is not a JobResult:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

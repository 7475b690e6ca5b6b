import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
  const env = { ...process.env, NEXUS_API_KEY: undefined, ...options.env };
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

  for (const secret of options.secrets ?? []) {
    assert.ok(!stdout.includes(secret), 'the API key appeared on stdout');
    assert.ok(!stderr.includes(secret), 'the API key appeared on stderr');
  }
  return { code, signal, stdout, stderr };
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

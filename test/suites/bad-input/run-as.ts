/**
 * Runs the built CLI as a user that permission bits apply to. Root reads every file whatever
 * its mode, so when the tests run as root, the CLI runs as `nobody` over a temp tree handed to
 * `nobody`; otherwise it runs as the current user.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chown, lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

import { CLI_PATH, assertNoSecrets, type CliRun } from '../../helpers/run-cli.js';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

/** Why the permission cases cannot run here, or undefined when they can. */
export function permissionCasesSkipReason(): string | undefined {
  if (process.platform === 'win32') return 'permission bits do not apply on Windows';
  if (!isRoot) return undefined;
  const check = `require('fs').accessSync(${JSON.stringify(CLI_PATH)})`;
  const probe = spawnSync(process.execPath, ['-e', check], { uid: NOBODY, gid: NOBODY });
  return probe.status === 0 ? undefined : 'running as root, and user nobody cannot run the CLI';
}

/** Hands `dir` and everything in it to the user the CLI runs as (nothing to do unless root). */
export async function handOver(dir: string): Promise<void> {
  if (!isRoot) return;
  await chown(dir, NOBODY, NOBODY);
  const stats = await lstat(dir);
  if (!stats.isDirectory()) return;
  for (const name of await readdir(dir)) await handOver(path.join(dir, name));
}

/** `nexus-worker args` as that user, killed after `timeoutMs`; checks no secret was printed. */
export async function runCliAs(
  args: string[],
  options: { cwd: string; secrets: string[]; timeoutMs?: number },
): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_PATH, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NEXUS_API_KEY: undefined } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(isRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });

  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
  );
  clearTimeout(timer);

  assertNoSecrets({ stdout, stderr }, options.secrets);
  return { code, signal, stdout, stderr };
}

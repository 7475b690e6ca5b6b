import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

import { TEMP_SUFFIX } from '../../../src/fs/durable.js';

/** One trial's own folder: config, OpenClaw files, the worker's state; removed when it ends. */
export interface TrialFolder {
  root: string;
  configPath: string;
  /** `--config <file> --job <id>`, ready for the CLI. */
  cliArgs: string[];
}

export interface CrashJob {
  id: string;
  type: 'session_upload' | 'webhook_pull';
  args: string[];
  options?: Record<string, unknown>;
}

export async function makeTrialFolder(
  t: TestContext,
  nexus: { url: string; apiKey: string },
  job: CrashJob,
): Promise<TrialFolder> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'nexus-crash-'));
  t.after(() => rm(root, { recursive: true, force: true }));

  const config = {
    url: nexus.url,
    apiKey: nexus.apiKey,
    stateDir: 'state',
    requestTimeoutSeconds: 30,
    retry: { retries: 2, minDelaySeconds: 0.05, maxDelaySeconds: 0.2 },
    jobs: [{ description: 'crash trial', intervalMinutes: 60, ...job }],
  };
  const configPath = path.join(root, 'config.json');
  await writeFile(configPath, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });

  return { root, configPath, cliArgs: ['--config', configPath, '--job', config.jobs[0]!.id] };
}

/** Every path under `dir` (relative to it, folders included) whose name marks a temp file. */
export async function findTempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter((entry) => path.basename(entry).includes(TEMP_SUFFIX)).sort();
}

/**
 * Fails with every problem found, each under the trial's label (its seed), so one message
 * says all that went wrong and how to replay it.
 */
export function assertNoProblems(label: string, when: string, problems: string[]): void {
  if (problems.length === 0) return;
  const shown = problems.slice(0, 25).map((problem) => `  - ${problem}`);
  const hidden = problems.length - shown.length;
  if (hidden > 0) shown.push(`  … and ${hidden} more`);
  assert.fail(`${label} ${when}: ${problems.length} problems\n${shown.join('\n')}`);
}

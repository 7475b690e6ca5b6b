/**
 * A temp folder laid out like a user's: a config file, an agent workspace and a state folder,
 * with a `webhook_pull` job that pulls for one agent from the given Nexus URL.
 */

import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

import { makeTempDir } from '../../helpers/temp-dir.js';
import { parseJobResult, runCli, type CliRun } from '../../helpers/run-cli.js';

export const AGENT_ID = 'flickclaw';
export const JOB_ID = 'webhooks';
export const LEDGER_FILE = 'delivered-webhook-items.json';

export interface JobSetupOptions {
  url: string;
  apiKey: string;
  /** The agent to pull for; tests sharing one Nexus use one agent each. */
  agentId?: string;
  /** The job's args; `[agentId, 'workspace']` unless given. */
  args?: unknown[];
  options?: Record<string, unknown>;
  /** Leave the workspace folder out. */
  noWorkspace?: boolean;
}

export interface JobSetup {
  root: string;
  workspace: string;
  /** The default inbox, `workspace/inbox/webhooks`. */
  inbox: string;
  /** The job's own state folder, where the delivery ledger lives. */
  stateDir: string;
  configPath: string;
  /** Runs the built CLI on this config; `extra` flags such as `--dry-run` are appended. */
  run(extra?: string[]): Promise<{ cli: CliRun; result: ReturnType<typeof parseJobResult> }>;
  /** Runs the CLI and returns only what it printed, for runs that fail before a JobResult. */
  runRaw(extra?: string[]): Promise<CliRun>;
}

export async function setUpJob(t: TestContext, options: JobSetupOptions): Promise<JobSetup> {
  const root = await makeTempDir(t, 'webhook-pull-');
  const workspace = path.join(root, 'workspace');
  if (!options.noWorkspace) await mkdir(workspace);

  const config = {
    url: options.url,
    apiKey: options.apiKey,
    stateDir: 'state',
    requestTimeoutSeconds: 5,
    retry: { retries: 1, minDelaySeconds: 0, maxDelaySeconds: 0 },
    jobs: [
      {
        id: JOB_ID,
        type: 'webhook_pull',
        description: 'Deliver webhook items to flickclaw',
        intervalMinutes: 5,
        args: options.args ?? [options.agentId ?? AGENT_ID, 'workspace'],
        ...(options.options ? { options: options.options } : {}),
      },
    ],
  };
  const configPath = path.join(root, 'config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  await chmod(configPath, 0o600);

  const runRaw = (extra: string[] = []) =>
    // Run from elsewhere, so relative paths can only work by resolving against the config.
    runCli(['--config', configPath, '--job', JOB_ID, ...extra], {
      cwd: os.tmpdir(),
      secrets: [options.apiKey],
    });

  return {
    root,
    workspace,
    inbox: path.join(workspace, 'inbox', 'webhooks'),
    stateDir: path.join(root, 'state', 'jobs', JOB_ID),
    configPath,
    runRaw,
    run: async (extra = []) => {
      const cli = await runRaw(extra);
      return { cli, result: parseJobResult(cli) };
    },
  };
}

/** The inbox's file names, sorted; temp files included, so a leftover shows. */
export async function listInbox(inbox: string): Promise<string[]> {
  return (await readdir(inbox)).sort();
}

export async function readItemFile(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
}

export interface LedgerItem {
  id: string;
  source: string;
  file: string;
  recordedAt: string;
  temp?: string;
}

export interface LedgerFile {
  version: number;
  items: LedgerItem[];
}

export async function readLedger(stateDir: string): Promise<LedgerFile> {
  return JSON.parse(await readFile(path.join(stateDir, LEDGER_FILE), 'utf8'));
}

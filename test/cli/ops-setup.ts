/**
 * Configs for the status, check and progress tests: one session_upload job and one
 * webhook_pull job, with their folders relative to the config, as users write them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { writeWorkerConfig } from '../helpers/worker-config.js';

export const OPS_KEY = 'ops-test-key-51d0c2';
export const SESSIONS_JOB = 'main-sessions';
export const WEBHOOK_JOB = 'inbox';
export const WEBHOOK_AGENT = 'flickclaw';

export interface OpsConfigOptions {
  url: string;
  /** Left out of the file when null. */
  apiKey?: string | null;
  /** Extra fields of the session_upload job (notifyAgentId, …). */
  sessionJob?: Record<string, unknown>;
  webhookJob?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export interface OpsFolders {
  config: string;
  sessionsDir: string;
  archiveDir: string;
  workspace: string;
  inbox: string;
  stateDir: string;
}

/** Writes the config and makes the sessions folder and the workspace (not the archive, inbox). */
export async function writeOpsConfig(dir: string, options: OpsConfigOptions): Promise<OpsFolders> {
  const folders = {
    sessionsDir: path.join(dir, 'sessions'),
    archiveDir: path.join(dir, 'sessions', 'archive'),
    workspace: path.join(dir, 'workspace'),
    inbox: path.join(dir, 'workspace', 'inbox', 'webhooks'),
    stateDir: path.join(dir, 'state'),
  };
  await mkdir(folders.sessionsDir, { recursive: true });
  await mkdir(folders.workspace, { recursive: true });

  const config = {
    url: options.url,
    ...(options.apiKey === null ? {} : { apiKey: options.apiKey ?? OPS_KEY }),
    stateDir: 'state',
    retry: { retries: 0 },
    ...options.extra,
    jobs: [
      {
        id: SESSIONS_JOB,
        type: 'session_upload',
        description: 'Upload the main agent sessions',
        intervalMinutes: 60,
        args: ['sessions', 'sessions/archive', 'main'],
        options: { settleMinutes: 0 },
        ...options.sessionJob,
      },
      {
        id: WEBHOOK_JOB,
        type: 'webhook_pull',
        description: 'Deliver webhooks to flickclaw',
        intervalMinutes: 15,
        args: [WEBHOOK_AGENT, 'workspace'],
        ...options.webhookJob,
      },
    ],
  };
  return { config: await writeWorkerConfig(dir, config), ...folders };
}

/** A last run as the worker saves it, for times a test cannot wait for. */
export async function writeRunRecord(
  stateDir: string,
  jobId: string,
  startedAt: Date,
  result: { success: boolean; message: string; itemsProcessed?: number },
): Promise<void> {
  const record = {
    jobId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + 2000).toISOString(),
    result: { jobId, itemsProcessed: 0, errors: [], ...result },
  };
  await mkdir(path.join(stateDir, 'runs'), { recursive: true });
  await writeFile(path.join(stateDir, 'runs', `${jobId}.json`), JSON.stringify(record));
}

export const MINUTE = 60_000;

#!/usr/bin/env node
/**
 * `npm run demo`: the worker end to end on this machine. Starts the local Nexus on a free port,
 * copies the bundled OpenClaw sample folder to a temp folder, runs both jobs with `--job` as a
 * user would, then shows what Nexus stored and what happened on disk.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createLocalNexus } from '../local-nexus/server.js';
import { checkSessions, type DemoFolders } from './checks.js';
import { checkInbox, ingestSampleWebhooks } from './webhooks.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliPath = path.join(root, 'dist', 'cli', 'main.js');
const sampleDir = path.join(root, 'fixtures', 'openclaw-legacy');

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const work = await mkdtemp(path.join(os.tmpdir(), 'nexus-worker-demo-'));
  const folders = await prepareFolders(work);
  const apiKey = randomBytes(16).toString('hex');
  const nexus = await createLocalNexus({ dataDir: path.join(work, 'nexus-data'), apiKey });

  try {
    const configPath = await writeConfig(work, nexus.url, apiKey, folders);
    heading('nexus-worker demo');
    console.log(`Local Nexus:    ${nexus.url}`);
    console.log(`OpenClaw copy:  ${folders.sessionsDir}`);
    console.log(`Config:         ${configPath}\n`);

    heading('$ nexus-worker --config config.json --job main-sessions');
    const code = await runWorker(configPath, 'main-sessions');
    console.log(`(exit code ${code})`);

    heading('What Nexus stored, and what is left on disk');
    const sessionsOk = await checkSessions(nexus.url, apiKey, folders);

    heading('Two webhooks arrive at Nexus for agent "main"');
    await ingestSampleWebhooks(nexus.url, apiKey);
    heading('$ nexus-worker --config config.json --job main-webhooks');
    const webhookCode = await runWorker(configPath, 'main-webhooks');
    console.log(`(exit code ${webhookCode})`);

    heading('What the agent finds in its inbox');
    const inboxOk = await checkInbox(nexus.url, apiKey, folders);

    const ok = sessionsOk && inboxOk && code === 0 && webhookCode === 0;
    const verdict = ok
      ? 'Everything checks out.'
      : 'Some checks failed: see the lines marked FAIL.';
    console.log(`\n${verdict}`);
    return ok ? 0 : 1;
  } finally {
    await nexus.close();
    if (keep) console.log(`\nKept the demo folder: ${work}`);
    else await rm(work, { recursive: true, force: true });
  }
}

/** The sample, as if OpenClaw had written it an hour ago (past the settle time). */
async function prepareFolders(work: string): Promise<DemoFolders> {
  const openclaw = path.join(work, 'openclaw');
  await cp(sampleDir, openclaw, { recursive: true });

  const sessionsDir = path.join(openclaw, 'agents', 'main', 'sessions');
  const anHourAgo = new Date(Date.now() - 60 * 60 * 1000);
  for (const name of await readdir(sessionsDir)) {
    await utimes(path.join(sessionsDir, name), anHourAgo, anHourAgo);
  }

  // OpenClaw makes the workspace; the worker only ever adds the inbox inside it.
  const workspace = path.join(openclaw, 'workspace');
  await mkdir(workspace);

  return {
    sampleSessionsDir: path.join(sampleDir, 'agents', 'main', 'sessions'),
    sessionsDir,
    archiveDir: path.join(sessionsDir, 'archive'),
    workspace,
    inboxDir: path.join(workspace, 'inbox', 'webhooks'),
  };
}

async function writeConfig(
  work: string,
  url: string,
  apiKey: string,
  folders: DemoFolders,
): Promise<string> {
  const config = {
    url,
    apiKey,
    stateDir: path.join(work, 'state'),
    jobs: [
      {
        id: 'main-sessions',
        type: 'session_upload',
        description: 'Upload main agent sessions to Nexus',
        intervalMinutes: 60,
        args: [folders.sessionsDir, folders.archiveDir, 'main'],
      },
      {
        id: 'main-webhooks',
        type: 'webhook_pull',
        description: 'Deliver webhook items to the main agent',
        intervalMinutes: 5,
        args: ['main', folders.workspace],
      },
    ],
  };
  const file = path.join(work, 'config.json');
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return file;
}

function runWorker(configPath: string, jobId: string): Promise<number> {
  const child = spawn(process.execPath, [cliPath, '--config', configPath, '--job', jobId], {
    stdio: 'inherit',
  });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

function heading(text: string): void {
  console.log(`\n== ${text}\n`);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exitCode = 1;
  },
);

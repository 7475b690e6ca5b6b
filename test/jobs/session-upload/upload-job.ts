/**
 * Shared set-up for the session_upload end-to-end tests: a temp OpenClaw sessions folder, an
 * archive folder and a config file, and a way to run the built CLI on them and read what it did.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';

import type { TestNexus } from '../../helpers/local-nexus.js';
import { parseLogLines, type LogLine } from '../../helpers/log-lines.js';
import {
  archiveName,
  newSessionId,
  transcriptText,
  writeAged,
  writeSessionStore,
  HOUR,
  MINUTE,
} from '../../helpers/openclaw-folder.js';
import { parseJobResult, runCli, type CliRun } from '../../helpers/run-cli.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { FAST_RETRY, writeWorkerConfig } from '../../helpers/worker-config.js';

export const AGENT = 'main';
export const JOB_ID = 'main-sessions';

export interface UploadJobSettings {
  url: string;
  apiKey: string;
  /** The job's `options` (settleMinutes, maxFileBytes, concurrency); the defaults otherwise. */
  options?: Record<string, unknown>;
  retry?: { retries: number; minDelaySeconds: number; maxDelaySeconds: number };
  requestTimeoutSeconds?: number;
  /**
   * The archive folder as the config names it (relative to the config's folder, or absolute);
   * `archive` in the temp root otherwise.
   */
  archiveDir?: string;
}

export interface JobRun extends CliRun {
  result: ReturnType<typeof parseJobResult>;
  log: LogLine[];
}

export interface UploadJob {
  root: string;
  sessionsDir: string;
  archiveDir: string;
  /** The job's own state folder, where the ledger of refused transcripts lives. */
  jobStateDir: string;
  apiKey: string;
  /** Runs `nexus-worker --job main-sessions` plus `flags`; checks the key never shows. */
  run(...flags: string[]): Promise<JobRun>;
}

export async function setUpUploadJob(
  t: TestContext,
  settings: UploadJobSettings,
): Promise<UploadJob> {
  const root = await makeTempDir(t, 'session-upload-e2e-');
  const sessionsDir = path.join(root, 'openclaw', 'agents', AGENT, 'sessions');
  const archiveArg = settings.archiveDir ?? path.join(root, 'archive');
  await mkdir(sessionsDir, { recursive: true });

  const configPath = await writeWorkerConfig(root, {
    url: settings.url,
    apiKey: settings.apiKey,
    stateDir: 'state',
    retry: settings.retry ?? FAST_RETRY,
    requestTimeoutSeconds: settings.requestTimeoutSeconds ?? 5,
    jobs: [
      {
        id: JOB_ID,
        type: 'session_upload',
        description: 'Upload completed sessions of the main agent',
        intervalMinutes: 30,
        args: [sessionsDir, archiveArg, AGENT],
        options: settings.options ?? {},
      },
    ],
  });

  const run = async (...flags: string[]): Promise<JobRun> => {
    const cli = await runCli(['--config', configPath, '--job', JOB_ID, ...flags], {
      cwd: root,
      secrets: [settings.apiKey],
    });
    return { ...cli, result: parseJobResult(cli), log: parseLogLines(cli.stderr) };
  };

  return {
    root,
    sessionsDir,
    archiveDir: path.resolve(root, archiveArg),
    jobStateDir: path.join(root, 'state', 'jobs', JOB_ID),
    apiKey: settings.apiKey,
    run,
  };
}

/** The messages a run logged at `level`, in order. */
export function logged(run: JobRun, level: LogLine['level']): string[] {
  return run.log.filter((line) => line.level === level).map((line) => line.message);
}

/** Fails with the whole log when no line at `level` is exactly `message`. */
export function assertLogged(run: JobRun, level: LogLine['level'], message: string): void {
  const lines = logged(run, level);
  assert.ok(lines.includes(message), `expected ${level} "${message}" in the log:\n${run.stderr}`);
}

/** Fails with the whole log when no line at `level` matches `pattern`. */
export function assertLoggedMatch(run: JobRun, level: LogLine['level'], pattern: RegExp): void {
  const lines = logged(run, level);
  assert.ok(
    lines.some((line) => pattern.test(line)),
    `expected ${level} matching ${pattern} in the log:\n${run.stderr}`,
  );
}

/** Names in a folder, sorted; none when the folder does not exist. */
export async function folderNames(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Every transcript version the local Nexus holds for the agent, keyed by the file name its
 * upload carried, as the bytes of its UTF-8 text.
 */
export function storedByFileName(nexus: TestNexus, agentId = AGENT): Map<string, Buffer> {
  const stored = new Map<string, Buffer>();
  for (const session of nexus.sessions(agentId)) {
    const versions = nexus.sessionVersions(agentId, session.sessionId);
    const version = versions.find((candidate) => candidate.sha256 === session.sha256);
    assert.ok(version, `no stored text for ${session.sessionId} version ${session.version}`);
    assert.ok(session.fileName, `version ${session.version} of ${session.sessionId} has no name`);
    assert.ok(!stored.has(session.fileName), `${session.fileName} was stored twice`);
    stored.set(session.fileName, Buffer.from(version.transcript, 'utf8'));
  }
  return stored;
}

/** Nexus holds exactly these transcripts, byte for byte, under these file names. */
export function assertStoredExactly(
  nexus: TestNexus,
  expected: Record<string, string | Uint8Array>,
  agentId = AGENT,
): void {
  const stored = storedByFileName(nexus, agentId);
  assert.deepEqual([...stored.keys()].sort(), Object.keys(expected).sort());
  for (const [name, content] of Object.entries(expected)) {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    assert.ok(stored.get(name)?.equals(bytes), `Nexus does not hold the exact bytes of ${name}`);
  }
}

export interface PlacedTranscript {
  name: string;
  sessionId: string;
  text: string;
}

/**
 * Writes `count` reset archives with an empty session store beside them. Each is a minute
 * younger than the one before, so a run takes them in this order (oldest first).
 */
export async function writeArchives(dir: string, count: number): Promise<PlacedTranscript[]> {
  const placed: PlacedTranscript[] = [];
  for (let index = 0; index < count; index += 1) {
    const sessionId = newSessionId();
    const name = archiveName(sessionId, 'reset');
    const text = transcriptText(sessionId, `archive number ${index + 1}`);
    await writeAged(dir, name, text, HOUR - index * MINUTE);
    placed.push({ name, sessionId, text });
  }
  await writeSessionStore(dir, {});
  return placed;
}

/** `record` without the entries under `names`: a folder snapshot minus the files a run took. */
export function withoutNames<T>(record: Record<string, T>, names: string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([name]) => !names.includes(name)));
}

/**
 * The job's ledger of refused transcripts, keyed by file name; undefined when the job never
 * wrote one.
 */
export async function readLedger(
  job: UploadJob,
): Promise<Record<string, { reason: string }> | undefined> {
  try {
    const file = path.join(job.jobStateDir, 'rejected-transcripts.json');
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Folders and configs for the daemon tests: each job gets its own sessions folder (relative
 * to the config), and transcripts are reset archives, which are complete as soon as they exist.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';

export const KEY = 'daemon-test-key-7c1e9a';

export interface JobSpec {
  id: string;
  intervalMinutes?: number;
  /** Relative to the config's folder; `sessions-<id>` unless given. */
  sessionsDir?: string;
  notifyAgentId?: string;
  notifyOn?: 'activity' | 'always' | 'failure';
  /** session_upload options beyond `settleMinutes: 0`. */
  options?: Record<string, unknown>;
}

export function sessionsDirOf(dir: string, job: JobSpec): string {
  return path.join(dir, job.sessionsDir ?? `sessions-${job.id}`);
}

export function archiveDirOf(dir: string, job: JobSpec): string {
  return path.join(sessionsDirOf(dir, job), 'archive');
}

/** Writes `config.json` (mode 0600) and an empty sessions folder per job; answers its path. */
export async function writeConfig(
  dir: string,
  jobs: JobSpec[],
  extra: Record<string, unknown> = {},
): Promise<string> {
  const config = {
    url: 'http://127.0.0.1:9/api',
    apiKey: KEY,
    stateDir: 'state',
    retry: { retries: 0 },
    ...extra,
    jobs: jobs.map((job) => ({
      id: job.id,
      type: 'session_upload',
      description: `Upload the sessions of ${job.id}`,
      intervalMinutes: job.intervalMinutes ?? 60,
      ...(job.notifyAgentId ? { notifyAgentId: job.notifyAgentId } : {}),
      ...(job.notifyOn ? { notifyOn: job.notifyOn } : {}),
      args: [
        job.sessionsDir ?? `sessions-${job.id}`,
        path.relative(dir, archiveDirOf(dir, job)),
        'main',
      ],
      options: { settleMinutes: 0, ...job.options },
    })),
  };

  for (const job of jobs) {
    if (!job.sessionsDir) await mkdir(sessionsDirOf(dir, job), { recursive: true });
  }
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}

/** A completed transcript (a reset archive) in the folder; answers its file name. */
export async function addTranscript(sessionsDir: string): Promise<string> {
  const name = `${randomUUID()}.jsonl.reset.2026-06-03T22-45-31.372Z`;
  const header = { type: 'session', version: 3, id: name.slice(0, 36), timestamp: 1 };
  await writeFile(path.join(sessionsDir, name), `${JSON.stringify(header)}\n{"type":"message"}\n`);
  return name;
}

export interface StateRecord {
  jobId: string;
  startedAt: string;
  finishedAt: string;
  result: { jobId: string; success: boolean; message: string; itemsProcessed: number };
}

export async function readState(dir: string, jobId: string): Promise<StateRecord> {
  return JSON.parse(await readFile(path.join(dir, 'state', 'runs', `${jobId}.json`), 'utf8'));
}

export async function writeState(dir: string, record: StateRecord): Promise<void> {
  const file = path.join(dir, 'state', 'runs', `${record.jobId}.json`);
  await writeFile(file, JSON.stringify(record));
}

/** Every file under `dir`, as paths relative to it, with their permission bits. */
export async function listFiles(dir: string): Promise<{ file: string; mode: number }[]> {
  const found: { file: string; mode: number }[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    found.push({ file: path.relative(dir, full), mode: (await stat(full)).mode & 0o777 });
  }
  return found.sort((a, b) => a.file.localeCompare(b.file));
}

export interface StalledNexus {
  url: string;
  /** Resolves when the first upload has arrived (and is being held). */
  uploadArrived: Promise<void>;
}

/**
 * A Nexus that takes every upload and holds it: it answers 200 after `answerAfterMs`, or never
 * when that is not given, so a run stays in flight until it is stopped.
 */
export async function startStalledNexus(
  t: TestContext,
  answerAfterMs?: number,
): Promise<StalledNexus> {
  let arrived: () => void = () => undefined;
  const uploadArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/api/sessions') arrived();
    request.resume();
    if (answerAfterMs === undefined) return;
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'ok', stored: new Date().toISOString() }));
    }, answerAfterMs);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api`, uploadArrived };
}

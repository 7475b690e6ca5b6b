import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { SeededRandom } from './seeded-random.js';
import { TranscriptWriter } from './transcript-text.js';

/** A completed transcript of the backfill: the worker must upload it and archive it. */
export interface CompletedTranscript {
  name: string;
  sessionId: string;
  sha256: string;
  bytes: number;
}

/** A file the worker must never change: live transcripts, sidecars, the session store. */
export interface KeptFile {
  name: string;
  sha256: string;
  size: number;
  mtimeMs: number;
}

export interface SessionBackfill {
  sessionsDir: string;
  /** Inside the sessions folder, as in the sample config. */
  archiveDir: string;
  completed: CompletedTranscript[];
  kept: KeptFile[];
}

const OLD_AGE_MS = 2 * 60 * 60 * 1000;
const MAX_TRANSCRIPT_BYTES = 2 * 1024 * 1024;

/**
 * An OpenClaw sessions folder with at least `count` completed transcripts of mixed kinds and
 * sizes, all written two hours ago: reset and deleted archives, plain and topic transcripts
 * that no store entry refers to (some sharing a session id with an archive), beside live
 * transcripts that `sessions.json` refers to in each way it can, and sidecars.
 */
export async function writeSessionBackfill(
  random: SeededRandom,
  root: string,
  count: number,
): Promise<SessionBackfill> {
  const sessionsDir = path.join(root, 'sessions');
  await mkdir(sessionsDir, { recursive: true });
  const writer = new TranscriptWriter(random);
  const files = new Map<string, { sessionId: string; text: string }>();

  const sessionIds: string[] = [];
  while (files.size < count) {
    const reuse = sessionIds.length > 0 && random.chance(0.15);
    const sessionId = reuse ? random.pick(sessionIds) : random.uuid();
    sessionIds.push(sessionId);
    const name = completedName(random, sessionId);
    const text = writer.transcript(sessionId, random.hex(12), sizeFor(random, files.size));
    files.set(name, { sessionId, text });
  }

  const completed: CompletedTranscript[] = [];
  for (const [name, { sessionId, text }] of files) {
    const bytes = Buffer.from(text, 'utf8');
    await writeOld(path.join(sessionsDir, name), bytes);
    completed.push({ name, sessionId, sha256: sha256Of(bytes), bytes: bytes.length });
  }

  const kept = await writeLiveFiles(random, writer, sessionsDir);
  return { sessionsDir, archiveDir: path.join(sessionsDir, 'archive'), completed, kept };
}

function completedName(random: SeededRandom, sessionId: string): string {
  const time = `2026-0${random.int(1, 9)}-1${random.int(0, 9)}T0${random.int(0, 9)}-` +
    `${random.int(10, 59)}-${random.int(10, 59)}.${random.int(100, 999)}Z`;
  const kind = random.next();
  if (kind < 0.4) return `${sessionId}.jsonl.reset.${time}`;
  if (kind < 0.65) return `${sessionId}.jsonl.deleted.${time}`;
  if (kind < 0.9) return `${sessionId}.jsonl`;
  return `${sessionId}-topic-${random.int(1, 99999)}.jsonl`;
}

/** Mostly small, some medium, and a few large: the first of 2 MiB, the next of 256 KiB or more. */
function sizeFor(random: SeededRandom, index: number): number {
  if (index === 0) return MAX_TRANSCRIPT_BYTES;
  const roll = index === 1 ? 1 : random.next();
  if (roll < 0.9) return Math.round(random.logUniform(5, 16 * 1024));
  if (roll < 0.99) return Math.round(random.logUniform(16 * 1024, 128 * 1024));
  return Math.round(random.logUniform(256 * 1024, MAX_TRANSCRIPT_BYTES));
}

async function writeLiveFiles(
  random: SeededRandom,
  writer: TranscriptWriter,
  sessionsDir: string,
): Promise<KeptFile[]> {
  const byPath = random.uuid();
  const byId = random.uuid();
  const topic = random.uuid();
  const checkpointSource = random.uuid();
  const files: Record<string, string> = {
    [`${byPath}.jsonl`]: writer.transcript(byPath, 'live-by-path', 3_000),
    [`${byId}.jsonl`]: writer.transcript(byId, 'live-by-id', 20_000),
    [`${topic}-topic-7.jsonl`]: writer.transcript(topic, 'live-topic', 500),
    [`${checkpointSource}.jsonl`]: writer.transcript(checkpointSource, 'pre-compact', 900),
    [`${byId}.checkpoint.${random.uuid()}.jsonl`]: writer.transcript(byId, 'cp', 700),
    [`${byPath}.trajectory.jsonl`]: '{"step":1}\n',
  };

  const home = '/home/ada/.openclaw/agents/main/sessions';
  const store = {
    'agent:main:main': { sessionId: byPath, sessionFile: `${home}/${byPath}.jsonl` },
    'agent:main:telegram:direct:42': {
      sessionId: byId,
      compactionCheckpoints: [{ preCompaction: { sessionFile: `${checkpointSource}.jsonl` } }],
    },
    'agent:main:telegram:group:-100:topic:7': {
      sessionId: topic,
      sessionFile: `C:\\Users\\ada\\.openclaw\\sessions\\${topic}-topic-7.jsonl`,
    },
  };
  files['sessions.json'] = `${JSON.stringify(store, null, 2)}\n`;

  const kept: KeptFile[] = [];
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(sessionsDir, name);
    await writeOld(file, Buffer.from(text, 'utf8'));
    kept.push({ name, ...(await fileFacts(file)) });
  }
  return kept;
}

async function writeOld(file: string, bytes: Buffer): Promise<void> {
  await writeFile(file, bytes, { mode: 0o600 });
  const seconds = Math.floor((Date.now() - OLD_AGE_MS) / 1000);
  await utimes(file, seconds, seconds);
}

export async function fileFacts(file: string): Promise<Omit<KeptFile, 'name'>> {
  const stats = await stat(file);
  const sha256 = sha256Of(await readFile(file));
  return { sha256, size: stats.size, mtimeMs: stats.mtimeMs };
}

export function sha256Of(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

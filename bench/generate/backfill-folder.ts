/**
 * Builds an OpenClaw sessions folder full of completed transcripts, as a machine that ran
 * OpenClaw for months without the worker would have: mostly reset and deleted archives, some
 * orphaned plain and topic transcripts, a few live sessions named in `sessions.json` with their
 * sidecars and a lock. Answers the files the worker should upload, with their SHA-256.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { Corpus } from './corpus.js';
import { seededRandom, type Random } from './random.js';
import { writeSessionStore } from './session-store.js';
import { transcriptText } from './transcript.js';

export interface BackfillPlan {
  /** Transcripts drawn between `smallBytes[0]` and `smallBytes[1]`, most near the low end. */
  small: number;
  smallBytes: readonly [number, number];
  /** Transcripts drawn evenly between `largeBytes[0]` and `largeBytes[1]`. */
  large: number;
  largeBytes: readonly [number, number];
  seed: number;
}

/** A transcript the worker should upload, and what the baseline posts in its place. */
export interface UploadableFile {
  name: string;
  sessionId: string;
  bytes: number;
  sha256: string;
}

export interface BackfillFolder {
  sessionsDir: string;
  files: UploadableFile[];
  totalBytes: number;
  /** Live transcripts, sidecars, locks and the store: files the worker must leave alone. */
  leftAlone: number;
}

const DAY = 24 * 60 * 60 * 1000;
const FIRST_SESSION = Date.parse('2026-01-05T09:00:00Z');
const LIVE_SESSIONS = 5;

export async function writeBackfillFolder(
  sessionsDir: string,
  plan: BackfillPlan,
): Promise<BackfillFolder> {
  const random = seededRandom(plan.seed);
  const corpus = new Corpus(random);
  await mkdir(sessionsDir, { recursive: true });

  const sizes = [
    ...Array.from({ length: plan.small }, () => random.logScale(...plan.smallBytes)),
    ...Array.from({ length: plan.large }, () => random.int(...plan.largeBytes)),
  ];
  const files: UploadableFile[] = [];
  for (const [index, bytes] of sizes.entries()) {
    const sessionId = random.uuid();
    const startedAt = FIRST_SESSION + index * (DAY / 8);
    const name = completedName(sessionId, index, startedAt);
    const text = transcriptText({ sessionId, bytes, startedAt }, random, corpus);
    await writeFile(path.join(sessionsDir, name), text);
    const sha256 = createHash('sha256').update(text).digest('hex');
    files.push({ name, sessionId, bytes: Buffer.byteLength(text), sha256 });
  }

  const leftAlone = await writeLiveSessions(sessionsDir, random, corpus);
  const totalBytes = files.reduce((total, file) => total + file.bytes, 0);
  return { sessionsDir, files, totalBytes, leftAlone };
}

/** The mix of names a long-running OpenClaw leaves behind: archives first, a few orphans. */
function completedName(sessionId: string, index: number, startedAt: number): string {
  const archivedAt = new Date(startedAt + DAY / 10).toISOString().replaceAll(':', '-');
  const slot = index % 20;
  if (slot < 12) return `${sessionId}.jsonl.reset.${archivedAt}`;
  if (slot < 17) return `${sessionId}.jsonl.deleted.${archivedAt}`;
  if (slot < 19) return `${sessionId}.jsonl`;
  return `${sessionId}-topic-${1000 + index}.jsonl`;
}

/** Live transcripts, a trajectory sidecar, a checkpoint and a lock, plus the store. */
async function writeLiveSessions(dir: string, random: Random, corpus: Corpus): Promise<number> {
  const liveIds = Array.from({ length: LIVE_SESSIONS }, () => random.uuid());
  const now = Date.now();
  const extras: [string, string][] = [];

  for (const sessionId of liveIds) {
    const text = transcriptText({ sessionId, bytes: 40_000, startedAt: now - DAY }, random, corpus);
    extras.push([`${sessionId}.jsonl`, text]);
    extras.push([`${sessionId}.trajectory-path.json`, JSON.stringify({ sessionId })]);
  }
  const [first] = liveIds as [string];
  extras.push([`${first}.checkpoint.${random.uuid()}.jsonl`, '{"type":"session"}\n']);
  extras.push([`${first}.jsonl.lock`, JSON.stringify({ pid: 4242, createdAt: now })]);

  for (const [name, text] of extras) await writeFile(path.join(dir, name), text);
  await writeSessionStore(path.join(dir, 'sessions.json'), {
    liveSessionIds: liveIds,
    shape: 'full',
    newSessionId: () => random.uuid(),
  });
  return extras.length + 1;
}

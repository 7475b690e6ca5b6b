/**
 * Builds a large sessions folder in which nothing is due: live transcripts the store names,
 * their trajectory sidecars and checkpoints, a few locks, and archives written a moment ago
 * that wait for the settle time. The worker must look at all of it and upload none of it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { seededRandom } from './random.js';
import { writeSessionStore, type EntryShape } from './session-store.js';

export interface CrowdedPlan {
  files: number;
  /** Live transcripts, each named by one store entry. */
  liveSessions: number;
  seed: number;
}

export interface CrowdedFolder {
  sessionsDir: string;
  liveSessionIds: string[];
  /** How many files of each kind the folder holds, the store not counted. */
  counts: Record<string, number>;
}

const LOCKS = 10;
const WRITE_CONCURRENCY = 64;

export async function writeCrowdedFolder(
  sessionsDir: string,
  plan: CrowdedPlan,
): Promise<CrowdedFolder> {
  const random = seededRandom(plan.seed);
  await mkdir(sessionsDir, { recursive: true });
  const liveSessionIds = Array.from({ length: plan.liveSessions }, () => random.uuid());
  const checkpoints = Math.floor(plan.files / 8);
  const archives = plan.files - 2 * plan.liveSessions - checkpoints - LOCKS;
  if (archives < 0) throw new Error(`${plan.files} files cannot hold ${plan.liveSessions} live`);

  const names: string[] = [];
  for (const sessionId of liveSessionIds) {
    names.push(`${sessionId}.jsonl`, `${sessionId}.trajectory-path.json`);
  }
  for (let i = 0; i < checkpoints; i += 1) {
    names.push(`${random.pick(liveSessionIds)}.checkpoint.${random.uuid()}.jsonl`);
  }
  for (const sessionId of liveSessionIds.slice(0, LOCKS)) names.push(`${sessionId}.jsonl.lock`);
  const archivedAt = new Date().toISOString().replaceAll(':', '-');
  for (let i = 0; i < archives; i += 1) {
    const kind = i % 3 === 0 ? 'deleted' : 'reset';
    names.push(`${random.uuid()}.jsonl.${kind}.${archivedAt}`);
  }

  await writeAll(sessionsDir, names);
  return {
    sessionsDir,
    liveSessionIds,
    counts: {
      liveTranscripts: plan.liveSessions,
      trajectorySidecars: plan.liveSessions,
      checkpoints,
      locks: LOCKS,
      recentArchives: archives,
    },
  };
}

/** Writes the store; `fillToBytes` adds entries for sessions whose files are long gone. */
export function writeCrowdedStore(
  file: string,
  folder: CrowdedFolder,
  shape: EntryShape,
  fillToBytes?: number,
): Promise<{ entries: number; bytes: number }> {
  const random = seededRandom(99);
  return writeSessionStore(file, {
    liveSessionIds: folder.liveSessionIds,
    shape,
    fillToBytes,
    newSessionId: () => random.uuid(),
  });
}

async function writeAll(dir: string, names: readonly string[]): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < names.length) {
      const name = names[next] as string;
      next += 1;
      await writeFile(path.join(dir, name), `{"type":"session","version":3,"file":"${name}"}\n`);
    }
  };
  await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, lane));
}

import { lstat, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

import { TEMP_SUFFIX } from '../../../src/fs/durable.js';
import type { TestNexus } from '../../helpers/local-nexus.js';
import { fileFacts, sha256Of, type SessionBackfill } from './session-backfill.js';
import { findTempFiles } from './trial-folder.js';

/** How far a killed run got, for the suite's summary of where kills landed. */
export interface SessionProgress {
  archived: number;
  total: number;
}

/**
 * What must hold at any moment, even right after a SIGKILL: every completed transcript is in
 * the sessions folder or the archive (or both, mid-move) with its bytes unchanged; whatever is
 * in the archive is already on Nexus; Nexus holds nothing but completed transcripts; the files
 * OpenClaw still uses are untouched. Temp files may be left; a completion run removes them.
 */
export async function checkAfterKill(
  backfill: SessionBackfill,
  nexus: TestNexus,
  agentId: string,
): Promise<{ problems: string[]; progress: SessionProgress }> {
  const problems: string[] = [];
  const stored = storedHashes(nexus, agentId, backfill);
  const inSessions = await hashesOf(backfill.sessionsDir, problems);
  const inArchive = await hashesOf(backfill.archiveDir, problems);

  let archived = 0;
  for (const transcript of backfill.completed) {
    const here = inSessions.get(transcript.name);
    const there = inArchive.get(transcript.name);
    if (here === undefined && there === undefined) {
      problems.push(`${transcript.name} is neither in the sessions folder nor in the archive`);
    }
    if (here !== undefined && here !== transcript.sha256) {
      problems.push(`${transcript.name} changed in the sessions folder`);
    }
    if (there === undefined) continue;
    archived += 1;
    if (there !== transcript.sha256) problems.push(`${transcript.name} changed in the archive`);
    if (!stored.has(`${transcript.sessionId} ${transcript.sha256}`)) {
      problems.push(`${transcript.name} is in the archive but its bytes are not on Nexus`);
    }
  }

  problems.push(...unexpectedEntries(backfill, inSessions, inArchive, { tempsAllowed: true }));
  problems.push(...unexpectedOnNexus(backfill, stored));
  problems.push(...(await changedKeptFiles(backfill)));
  return { problems, progress: { archived, total: backfill.completed.length } };
}

/**
 * What must hold once a run has finished after the kill: every completed transcript is in the
 * archive exactly once under its own name, byte for byte, and nowhere else; Nexus holds exactly
 * the completed transcripts' bytes; live files are untouched; no temp file is left under `root`
 * (sessions folder, archive, state folder).
 */
export async function checkAfterCompletion(
  backfill: SessionBackfill,
  nexus: TestNexus,
  agentId: string,
  root: string,
): Promise<string[]> {
  const problems: string[] = [];
  const stored = storedHashes(nexus, agentId, backfill);
  const inSessions = await hashesOf(backfill.sessionsDir, problems);
  const inArchive = await hashesOf(backfill.archiveDir, problems);

  for (const transcript of backfill.completed) {
    if (inSessions.has(transcript.name)) {
      problems.push(`${transcript.name} is still in the sessions folder`);
    }
    const there = inArchive.get(transcript.name);
    if (there === undefined) {
      problems.push(`${transcript.name} is not in the archive`);
    } else if (there !== transcript.sha256) {
      problems.push(`${transcript.name} changed in the archive`);
    }
    if (!stored.has(`${transcript.sessionId} ${transcript.sha256}`)) {
      problems.push(`${transcript.name}: its bytes are not on Nexus`);
    }
  }

  problems.push(...unexpectedEntries(backfill, inSessions, inArchive, { tempsAllowed: false }));
  problems.push(...unexpectedOnNexus(backfill, stored));
  problems.push(...(await changedKeptFiles(backfill)));
  for (const temp of await findTempFiles(root)) problems.push(`temp file left: ${temp}`);
  return problems;
}

/** `<sessionId> <sha256>` of every version Nexus stores for the agent, hashed from its text. */
function storedHashes(nexus: TestNexus, agentId: string, backfill: SessionBackfill): Set<string> {
  const sessionIds = new Set(nexus.sessions(agentId).map((session) => session.sessionId));
  for (const { sessionId } of backfill.completed) sessionIds.add(sessionId);

  const hashes = new Set<string>();
  for (const sessionId of sessionIds) {
    for (const version of nexus.sessionVersions(agentId, sessionId)) {
      hashes.add(`${sessionId} ${sha256Of(Buffer.from(version.transcript, 'utf8'))}`);
    }
  }
  return hashes;
}

/** SHA-256 of each regular file directly in `dir`; a folder maps to `folder`. */
async function hashesOf(dir: string, problems: string[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return hashes;
  }

  for (const name of names) {
    const file = path.join(dir, name);
    const stats = await lstat(file);
    if (stats.isDirectory()) hashes.set(name, 'folder');
    else if (stats.isFile()) hashes.set(name, sha256Of(await readFile(file)));
    else problems.push(`${file} is neither a file nor a folder`);
  }
  return hashes;
}

function unexpectedEntries(
  backfill: SessionBackfill,
  inSessions: Map<string, string>,
  inArchive: Map<string, string>,
  { tempsAllowed }: { tempsAllowed: boolean },
): string[] {
  const completed = new Set(backfill.completed.map((transcript) => transcript.name));
  const kept = new Set(backfill.kept.map((file) => file.name));
  const archiveName = path.basename(backfill.archiveDir);
  const isTemp = (name: string) => tempsAllowed && name.endsWith(TEMP_SUFFIX);
  const problems: string[] = [];

  for (const name of inSessions.keys()) {
    const known = completed.has(name) || kept.has(name) || name === archiveName;
    if (!known && !isTemp(name)) problems.push(`unexpected file in the sessions folder: ${name}`);
  }
  for (const name of inArchive.keys()) {
    if (completed.has(name) || isTemp(name)) continue;
    const what = name.includes('.dup-') ? 'duplicate copy' : 'unexpected file';
    problems.push(`${what} in the archive: ${name}`);
  }
  return problems;
}

function unexpectedOnNexus(backfill: SessionBackfill, stored: Set<string>): string[] {
  const expected = new Set(backfill.completed.map((t) => `${t.sessionId} ${t.sha256}`));
  return [...stored]
    .filter((key) => !expected.has(key))
    .map((key) => `Nexus stores bytes that are no completed transcript: session ${key}`);
}

async function changedKeptFiles(backfill: SessionBackfill): Promise<string[]> {
  const problems: string[] = [];
  for (const kept of backfill.kept) {
    try {
      const now = await fileFacts(path.join(backfill.sessionsDir, kept.name));
      const same = now.sha256 === kept.sha256 && now.size === kept.size;
      if (!same || now.mtimeMs !== kept.mtimeMs) problems.push(`${kept.name} was changed`);
    } catch {
      problems.push(`${kept.name} was removed`);
    }
  }
  return problems;
}

/** Shared set-up for the scan tests: a temp sessions folder with files of chosen ages. */
import assert from 'node:assert/strict';
import { readdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

import { scanSessionsFolder, type ScanResult } from '../../src/openclaw/find-transcripts.js';
import { makeTempDir } from '../helpers/temp-dir.js';

export const FIXTURE = fileURLToPath(new URL('../../fixtures/openclaw-legacy', import.meta.url));

export const ID_A = '2a7c3e54-0b1d-4f6e-9a8b-3c2d1e0f9a8b';
export const ID_B = '7f1e2d3c-4b5a-4968-8776-655443322110';
export const TS = '2026-06-03T22-45-31.372Z';
export const NOW = Date.UTC(2026, 6, 1, 12, 0, 0);
export const SETTLE_MS = 10 * 60_000;
export const HOUR = 3_600_000;

/** Writes a file modified `ageMs` before NOW (whole seconds, so mtimeMs reads back exactly). */
export async function place(
  dir: string,
  name: string,
  content: string,
  ageMs = HOUR,
): Promise<void> {
  const file = path.join(dir, name);
  await writeFile(file, content);
  const seconds = (NOW - ageMs) / 1000;
  await utimes(file, seconds, seconds);
}

export async function storeReferring(dir: string, entries: Record<string, unknown>): Promise<void> {
  await place(dir, 'sessions.json', JSON.stringify(entries));
}

export async function sessionsFolder(t: TestContext): Promise<string> {
  return makeTempDir(t, 'openclaw-sessions-');
}

export function scan(dir: string): Promise<ScanResult> {
  return scanSessionsFolder(dir, { settleMs: SETTLE_MS, now: NOW });
}

export function readyNames(result: ScanResult): string[] {
  return result.ready.map((candidate) => candidate.name);
}

export function skippedAs(result: ScanResult, name: string) {
  const entry = result.skipped.find((skipped) => skipped.name === name);
  assert.ok(entry, `${name} should be skipped; skipped: ${JSON.stringify(result.skipped)}`);
  return entry;
}

/** Every entry of the folder lands in exactly one list. */
export async function assertAccountedFor(dir: string, result: ScanResult): Promise<void> {
  const listed = [
    ...result.ready.map((entry) => entry.name),
    ...result.waiting.map((entry) => entry.candidate.name),
    ...result.skipped.map((entry) => entry.name),
  ].sort();
  assert.deepEqual(listed, (await readdir(dir)).sort());
}

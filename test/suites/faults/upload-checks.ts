/**
 * What must hold for session_upload after any run, faults or not: every transcript is in one
 * place with its bytes intact, and none is archived that Nexus does not hold. And what a run
 * with the faults gone must do: deliver the rest, one upload each.
 */

import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';

import type { TestNexus } from '../../helpers/local-nexus.js';
import { assertAttemptsBounded } from './bounds.js';
import { noFaults } from './fault-plans.js';
import type { Rig } from './rig.js';
import {
  AGENT,
  UPLOAD,
  fileNameOf,
  type UploadFixture,
  type UploadRun,
} from './upload-fixture.js';

export function warnings(run: UploadRun): string[] {
  return run.log.filter((line) => line.level === 'WARNING').map((line) => line.message);
}

export interface Whereabouts {
  /** Still in the sessions folder, unchanged. */
  waiting: string[];
  /** In the archive folder, unchanged, and held by Nexus. */
  archived: string[];
}

/**
 * Every transcript is in exactly one place with its bytes unchanged: still waiting in the
 * sessions folder, or in the archive and then also on Nexus. Nothing else appears in either.
 */
export async function assertNoTranscriptLost(
  fixture: UploadFixture,
  nexus: TestNexus,
): Promise<Whereabouts> {
  const inSessions = new Set(await readdir(fixture.sessionsDir));
  const inArchive = new Set(await namesIn(fixture.archiveDir));
  const found: Whereabouts = { waiting: [], archived: [] };

  for (const { name, sessionId, text } of fixture.transcripts) {
    const here = inSessions.has(name);
    const archived = inArchive.has(name);
    assert.ok(here !== archived, `${name} is in ${here ? 'both folders' : 'neither folder'}`);

    const folder = archived ? fixture.archiveDir : fixture.sessionsDir;
    const bytes = await readFile(path.join(folder, name), 'utf8');
    assert.equal(bytes, text, `${name} changed on its way`);
    if (!archived) {
      found.waiting.push(name);
      continue;
    }
    const versions = nexus.sessionVersions(AGENT, sessionId);
    const held = versions.some((version) => version.transcript === text);
    assert.ok(held, `${name} was archived but Nexus does not hold it`);
    found.archived.push(name);
  }

  const known = new Set(fixture.transcripts.map((transcript) => transcript.name));
  const strays = [...inArchive, ...inSessions].filter(
    (name) => !known.has(name) && name !== 'sessions.json',
  );
  assert.deepEqual(strays, [], 'the run left files nobody put there');
  return found;
}

/** After a clean run: every transcript archived and on Nexus, the run a success. */
export async function assertAllDelivered(run: UploadRun, fixture: UploadFixture, nexus: TestNexus) {
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.result.success, true, run.stderr);
  const { waiting, archived } = await assertNoTranscriptLost(fixture, nexus);
  assert.deepEqual(waiting, []);
  assert.equal(archived.length, fixture.transcripts.length);
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return [];
    throw error;
  }
}

/** A run with the faults gone: every transcript still waiting is uploaded once and archived. */
export async function assertRecovers(
  t: TestContext,
  rig: Rig,
  fixture: UploadFixture,
): Promise<UploadRun> {
  const { waiting } = await assertNoTranscriptLost(fixture, rig.nexus);
  rig.proxy.plan = noFaults;
  rig.proxy.onConnect = 'accept';
  const since = rig.proxy.seen.length;

  const run = await fixture.run();

  await assertAllDelivered(run, fixture, rig.nexus);
  const uploads = rig.proxy.seen.slice(since).filter((seen) => seen.route === UPLOAD);
  const uploaded = [...new Set(uploads.map(fileNameOf))].sort();
  assert.deepEqual(uploaded, [...waiting].sort(), 'the files left waiting, and only those');
  assertAttemptsBounded(uploads, fixture.network.retry.retries);
  assert.equal(run.result.itemsProcessed, waiting.length);
  t.diagnostic(`recovery run: ${uploads.length} uploads in ${run.elapsedMs} ms`);
  return run;
}

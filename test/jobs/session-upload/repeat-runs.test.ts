/**
 * Runs after the first: nothing left means nothing done, and later files of a session already
 * on Nexus become further versions of it, or a duplicate when their text is the same.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';

import { startLocalNexus } from '../../helpers/local-nexus.js';
import {
  archiveName,
  newSessionId,
  snapshotFolder,
  transcriptText,
  writeAged,
  writeSessionStore,
} from '../../helpers/openclaw-folder.js';
import {
  AGENT,
  JOB_ID,
  assertLogged,
  assertStoredExactly,
  folderNames,
  logged,
  setUpUploadJob,
  writeArchives,
} from './upload-job.js';

describe('session_upload over several runs', { concurrency: 4 }, () => {
  test('a second run finds nothing to do and changes nothing', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    // As in the original example config: the archive inside the sessions folder, named
    // relative to the config file's folder.
    const job = await setUpUploadJob(t, {
      url: nexus.url,
      apiKey: nexus.apiKey,
      archiveDir: 'openclaw/agents/main/sessions/archive',
    });
    const archives = await writeArchives(job.sessionsDir, 2);
    const first = await job.run();
    assert.equal(first.result.itemsProcessed, 2, first.stderr);
    assert.equal(job.archiveDir, path.join(job.sessionsDir, 'archive'));
    assert.deepEqual(await folderNames(job.archiveDir), archives.map((a) => a.name).sort());
    const archived = await snapshotFolder(job.archiveDir);
    const left = await snapshotFolder(job.sessionsDir);

    const second = await job.run();

    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(second.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 0 sessions for ${AGENT}`,
      itemsProcessed: 0,
      errors: [],
    });
    assertLogged(second, 'INFO', 'Found 0 completed sessions');
    assertLogged(second, 'INFO', 'Job complete: 0 uploaded, 0 failed');
    assert.ok(!logged(second, 'INFO').some((line) => line.startsWith('Archived ')), second.stderr);
    assert.deepEqual(logged(second, 'WARNING'), []);
    assertStoredExactly(nexus, Object.fromEntries(archives.map((a) => [a.name, a.text])));
    assert.deepEqual(await snapshotFolder(job.archiveDir), archived);
    assert.deepEqual(await snapshotFolder(job.sessionsDir), left);
    assert.deepEqual(Object.keys(left), ['archive', 'sessions.json']);
  });

  test('files of one session become versions; the same text again is a duplicate', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const dir = job.sessionsDir;
    const sessionId = newSessionId();
    const pieces = {
      [`${sessionId}-topic-general.jsonl`]: transcriptText(sessionId, 'thread one'),
      [`${sessionId}-topic-42.jsonl`]: transcriptText(sessionId, 'thread two'),
      [archiveName(sessionId, 'reset')]: transcriptText(sessionId, 'the main thread, reset'),
    };
    for (const [name, text] of Object.entries(pieces)) await writeAged(dir, name, text);
    await writeSessionStore(dir, {
      'agent:main:main': { sessionId: newSessionId(), updatedAt: 1 },
    });

    const first = await job.run();

    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.result.itemsProcessed, 3);
    assertStoredExactly(nexus, pieces);
    const versions = nexus.sessionVersions(AGENT, sessionId);
    assert.deepEqual(versions.map((version) => version.version).sort(), [1, 2, 3]);
    assert.deepEqual(
      versions.map((version) => version.fileName).sort(),
      Object.keys(pieces).sort(),
    );
    assert.deepEqual(await folderNames(job.archiveDir), Object.keys(pieces).sort());

    // OpenClaw later publishes a deleted archive whose text equals a thread already stored.
    const again = archiveName(sessionId, 'deleted', '2026-06-29T17-41-11.188Z');
    await writeAged(dir, again, transcriptText(sessionId, 'thread one'));
    const second = await job.run();

    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(second.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 1 session for ${AGENT}`,
      itemsProcessed: 1,
      errors: [],
    });
    assertLogged(second, 'WARNING', `Already on Nexus: ${again} (archiving it)`);
    assert.equal(nexus.sessionVersions(AGENT, sessionId).length, 3);
    assert.deepEqual(await folderNames(job.archiveDir), [...Object.keys(pieces), again].sort());
    assert.deepEqual(await folderNames(dir), ['sessions.json']);
  });
});

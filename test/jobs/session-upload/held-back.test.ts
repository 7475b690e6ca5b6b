/**
 * Transcripts a run must not take yet (a writer's lock, a recent change) or ever (a name that
 * only looks like OpenClaw's): they wait or are skipped, and a later run takes what is ready.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';

import { startLocalNexus } from '../../helpers/local-nexus.js';
import {
  archiveName,
  newSessionId,
  sessionIdsFor,
  snapshotFolder,
  transcriptText,
  writeAged,
  writeSessionStore,
  MINUTE,
} from '../../helpers/openclaw-folder.js';
import {
  AGENT,
  JOB_ID,
  assertLogged,
  assertLoggedMatch,
  assertStoredExactly,
  folderNames,
  logged,
  setUpUploadJob,
  withoutNames,
} from './upload-job.js';

describe('session_upload holding transcripts back', { concurrency: 4 }, () => {
  test('a .lock beside a transcript makes it wait until the lock is gone', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const dir = job.sessionsDir;
    const id = sessionIdsFor('archive', 'plain', 'free');
    const files = {
      [archiveName(id.archive, 'deleted')]: transcriptText(id.archive, 'being compressed'),
      [`${id.plain}.jsonl`]: transcriptText(id.plain, 'a turn still appending'),
      [archiveName(id.free, 'reset')]: transcriptText(id.free, 'nobody holds me'),
    };
    for (const [name, text] of Object.entries(files)) await writeAged(dir, name, text);
    await writeSessionStore(dir, {});
    const [lockedArchive, lockedPlain, free] = Object.keys(files) as [string, string, string];
    const lock = JSON.stringify({ pid: 4242, createdAt: new Date().toISOString(), starttime: 1 });
    await writeAged(dir, `${lockedArchive}.lock`, lock);
    await writeAged(dir, `${lockedPlain}.lock`, lock);

    const first = await job.run();

    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(first.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 1 session for ${AGENT}; 2 waiting (locked or changed in the last 10 min)`,
      itemsProcessed: 1,
      errors: [],
    });
    assertLogged(first, 'INFO', 'Job complete: 1 uploaded, 0 failed, 2 waiting');
    for (const name of [lockedArchive, lockedPlain]) {
      const reason = `${name}.lock exists: a writer holds the file`;
      assertLogged(first, 'INFO', `Waiting: ${name} (${reason})`);
    }
    assertLogged(first, 'INFO', 'Found 1 completed session');
    assertStoredExactly(nexus, { [free]: files[free] ?? '' });
    assert.deepEqual(await folderNames(job.archiveDir), [free]);
    assert.deepEqual(await folderNames(dir), [
      ...[lockedArchive, lockedPlain].flatMap((name) => [name, `${name}.lock`]),
      'sessions.json',
    ].sort());

    await rm(path.join(dir, `${lockedArchive}.lock`));
    await rm(path.join(dir, `${lockedPlain}.lock`));
    const second = await job.run();

    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.result.itemsProcessed, 2);
    assert.equal(second.result.success, true);
    assert.deepEqual(logged(second, 'INFO').filter((line) => line.startsWith('Waiting:')), []);
    assertLogged(second, 'INFO', 'Job complete: 2 uploaded, 0 failed');
    assertStoredExactly(nexus, files);
    assert.deepEqual(await folderNames(job.archiveDir), Object.keys(files).sort());
    assert.deepEqual(await folderNames(dir), ['sessions.json']);
  });

  test('a transcript changed within the settle time waits; an older one goes', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, {
      url: nexus.url,
      apiKey: nexus.apiKey,
      options: { settleMinutes: 10 },
    });
    const dir = job.sessionsDir;
    const id = sessionIdsFor('recent', 'future', 'plain', 'old', 'oldPlain');
    const recent = archiveName(id.recent, 'reset');
    const future = archiveName(id.future, 'deleted');
    const recentPlain = `${id.plain}.jsonl`;
    const old = archiveName(id.old, 'reset');
    const oldPlain = `${id.oldPlain}.jsonl`;
    await writeAged(dir, recent, transcriptText(id.recent), 2 * MINUTE);
    await writeAged(dir, future, transcriptText(id.future), -5 * MINUTE);
    await writeAged(dir, recentPlain, transcriptText(id.plain), 0);
    const oldText = transcriptText(id.old, 'quiet for eleven minutes');
    const oldPlainText = transcriptText(id.oldPlain, 'orphaned long ago');
    await writeAged(dir, old, oldText, 11 * MINUTE);
    await writeAged(dir, oldPlain, oldPlainText, 11 * MINUTE);
    await writeSessionStore(dir, {});
    const before = await snapshotFolder(dir);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 2 sessions for ${AGENT}; 3 waiting (locked or changed in the last 10 min)`,
      itemsProcessed: 2,
      errors: [],
    });
    assertLogged(run, 'INFO', 'Job complete: 2 uploaded, 0 failed, 3 waiting');
    const waits = 'waits until unchanged for 10 min';
    const twoMinutes = `modified 2 min( \\d+ s)? ago; ${waits}`;
    const twoMinutesLine = new RegExp(`^Waiting: ${recent} \\(${twoMinutes}\\)$`);
    assertLoggedMatch(run, 'INFO', twoMinutesLine);
    const seconds = `modified \\d+ (s|ms) ago; ${waits}`;
    const secondsLine = new RegExp(`^Waiting: ${recentPlain} \\(${seconds}\\)$`);
    assertLoggedMatch(run, 'INFO', secondsLine);
    assertLoggedMatch(run, 'INFO', new RegExp(`^Waiting: ${future} \\(modified .* in the future`));
    assertLogged(run, 'INFO', 'Found 2 completed sessions');
    assertStoredExactly(nexus, { [old]: oldText, [oldPlain]: oldPlainText });
    assert.deepEqual(await folderNames(job.archiveDir), [old, oldPlain].sort());
    assert.deepEqual(await snapshotFolder(dir), withoutNames(before, [old, oldPlain]));
  });

  test('names that only look like transcripts are reported and left alone', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const dir = job.sessionsDir;
    const id = newSessionId();
    const lookalikes = {
      'meeting-notes.jsonl': 'meeting-notes',
      [archiveName('export', 'reset')]: 'export',
      [`${id.replaceAll('-', '')}.jsonl`]: id.replaceAll('-', ''),
      [`${id.slice(0, 35)}.jsonl.deleted.2026-06-29T17-41-11.188Z`]: id.slice(0, 35),
      [`backup-${id}.jsonl`]: `backup-${id}`,
      [`draft-topic-2.jsonl`]: 'draft',
    };
    for (const name of Object.keys(lookalikes)) await writeAged(dir, name, transcriptText(id));
    await writeSessionStore(dir, {});
    const before = await snapshotFolder(dir);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 0 sessions for ${AGENT}`,
      itemsProcessed: 0,
      errors: [],
    });
    for (const [name, stem] of Object.entries(lookalikes)) {
      assertLogged(
        run,
        'INFO',
        `Skipped: ${name} ("${stem}" is not a session id (UUID), so this is not OpenClaw's; ` +
          'left alone)',
      );
    }
    assertLogged(run, 'INFO', 'Found 0 completed sessions');
    assert.deepEqual(nexus.sessions(), []);
    assert.deepEqual(await snapshotFolder(dir), before);
    assert.deepEqual(await folderNames(job.archiveDir), []);
  });
});

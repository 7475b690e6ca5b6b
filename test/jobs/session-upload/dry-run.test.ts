/**
 * `--dry-run` says what a run would do with every entry and why, and changes nothing: no
 * request to Nexus, no file moved, no archive folder or state written.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';

import {
  archiveName,
  newSessionId,
  sessionIdsFor,
  snapshotFolder,
  transcriptText,
  writeAged,
  writeSessionStore,
} from '../../helpers/openclaw-folder.js';
import { startStubServer } from '../../helpers/stub-server.js';
import {
  AGENT,
  JOB_ID,
  assertLogged,
  assertLoggedMatch,
  folderNames,
  logged,
  readLedger,
  setUpUploadJob,
} from './upload-job.js';

describe('session_upload --dry-run', { concurrency: 4 }, () => {
  test('--dry-run lists what would be uploaded and why each other entry would not', async (t) => {
    const stub = await startStubServer((_request, response) => response.writeHead(500).end());
    t.after(() => stub.close());
    const job = await setUpUploadJob(t, {
      url: stub.url,
      apiKey: randomBytes(12).toString('hex'),
      options: { maxFileBytes: 2000, settleMinutes: 10 },
    });
    const dir = job.sessionsDir;
    const id = sessionIdsFor('archive', 'orphan', 'active', 'recent', 'locked');
    const archive = archiveName(id.archive, 'reset');
    const orphan = `${id.orphan}.jsonl`;
    const empty = archiveName(newSessionId(), 'deleted');
    const oversized = archiveName(newSessionId(), 'deleted');
    const active = `${id.active}.jsonl`;
    const recent = archiveName(id.recent, 'reset');
    const locked = archiveName(id.locked, 'deleted');
    const archiveText = transcriptText(id.archive, 'would go');
    const orphanText = transcriptText(id.orphan, 'would go too');
    await writeAged(dir, archive, archiveText);
    await writeAged(dir, orphan, orphanText);
    await writeAged(dir, empty, '');
    await writeAged(dir, oversized, 'x'.repeat(3000));
    await writeAged(dir, active, transcriptText(id.active));
    await writeAged(dir, recent, transcriptText(id.recent), 0);
    await writeAged(dir, locked, transcriptText(id.locked));
    await writeAged(dir, `${locked}.lock`, '{"pid":1}');
    await writeAged(dir, 'notes.jsonl', transcriptText(newSessionId()));
    await writeAged(dir, `${id.active}.trajectory.jsonl`, '{}\n');
    await writeSessionStore(dir, { 'agent:main:main': { sessionId: id.active, updatedAt: 1 } });
    const before = await snapshotFolder(dir);

    const run = await job.run('--dry-run');

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Dry run: would upload 2 sessions for ${AGENT}`,
      itemsProcessed: 0,
      errors: [],
    });
    assertLogged(run, 'INFO', 'Running job (dry run)');
    assertLogged(run, 'INFO', `Would upload: ${archive} (${Buffer.byteLength(archiveText)} bytes)`);
    assertLogged(run, 'INFO', `Would upload: ${orphan} (${Buffer.byteLength(orphanText)} bytes)`);
    assertLogged(run, 'INFO', `Would archive without upload: ${empty} (empty file)`);
    assertLogged(
      run,
      'INFO',
      `Would leave in place: ${oversized} (3000 bytes is over the limit of 2000)`,
    );
    assertLogged(run, 'INFO', `Skipped: ${active} (sessions.json refers to it: still active)`);
    assertLoggedMatch(run, 'INFO', /^Skipped: notes\.jsonl \("notes" is not a session id/);
    assertLoggedMatch(run, 'INFO', new RegExp(`^Skipped: ${id.active}\\.trajectory\\.jsonl \\(`));
    assertLoggedMatch(run, 'INFO', /^Skipped: sessions\.json \(/);
    assertLoggedMatch(run, 'INFO', new RegExp(`^Skipped: ${locked}\\.lock \\(lock file`));
    assertLoggedMatch(run, 'INFO', new RegExp(`^Waiting: ${recent} \\(modified .* ago;`));
    const lockReason = `${locked}.lock exists: a writer holds the file`;
    assertLogged(run, 'INFO', `Waiting: ${locked} (${lockReason})`);
    assert.equal(logged(run, 'INFO').filter((line) => line.startsWith('Would ')).length, 4);
    assert.deepEqual(logged(run, 'ERROR'), []);

    assert.equal(stub.requests.length, 0);
    assert.deepEqual(await snapshotFolder(dir), before);
    assert.deepEqual(await folderNames(job.archiveDir), []);
    assert.equal(await readLedger(job), undefined);
  });

  test('--dry-run with a damaged session store says so in its result', async (t) => {
    const stub = await startStubServer((_request, response) => response.writeHead(500).end());
    t.after(() => stub.close());
    const job = await setUpUploadJob(t, { url: stub.url, apiKey: randomBytes(12).toString('hex') });
    const archiveId = newSessionId();
    const archive = archiveName(archiveId, 'deleted');
    const archiveText = transcriptText(archiveId);
    await writeAged(job.sessionsDir, archive, archiveText);
    await writeAged(job.sessionsDir, `${newSessionId()}.jsonl`, transcriptText(archiveId));
    await writeAged(job.sessionsDir, 'sessions.json', '');
    const before = await snapshotFolder(job.sessionsDir);

    const run = await job.run('--dry-run');

    const reason = 'sessions.json is empty (0 bytes)';
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: false,
      message:
        `Dry run: would upload 1 session for ${AGENT}; plain transcripts left alone: ${reason}`,
      itemsProcessed: 0,
      errors: [`sessions.json: ${reason}; plain transcripts left alone`],
    });
    assertLogged(run, 'INFO', `Would upload: ${archive} (${Buffer.byteLength(archiveText)} bytes)`);
    assert.equal(stub.requests.length, 0);
    assert.deepEqual(await snapshotFolder(job.sessionsDir), before);
    assert.deepEqual(await folderNames(job.archiveDir), []);
  });
});

/**
 * Files that cannot be uploaded as they are: damaged UTF-8 and oversized files are reported
 * once and left (the ledger of refused files keeps them from being retried while unchanged);
 * an empty file is archived without an upload and counted apart.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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
  readLedger,
  setUpUploadJob,
} from './upload-job.js';

describe('session_upload with files it cannot upload as they are', { concurrency: 4 }, () => {
  test('invalid UTF-8 is reported once, left in place, tried again once changed', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const dir = job.sessionsDir;
    const [badId, goodId] = [newSessionId(), newSessionId()];
    const bad = archiveName(badId, 'deleted');
    const good = archiveName(goodId, 'reset');
    const goodText = transcriptText(goodId, 'fine');
    // A lone continuation byte and a truncated two-byte sequence, as a crash mid-write leaves.
    const damaged = Buffer.concat([
      Buffer.from(transcriptText(badId, 'before the damage')),
      Buffer.from([0x7b, 0x22, 0x80, 0xc3]),
    ]);
    await writeAged(dir, bad, damaged);
    await writeAged(dir, good, goodText);
    await writeSessionStore(dir, {});

    const first = await job.run();

    const reason = 'not valid UTF-8; fix or remove the file by hand';
    assert.equal(first.code, 1, first.stderr);
    assert.deepEqual(first.result, {
      jobId: JOB_ID,
      success: false,
      message: `Uploaded 1 session for ${AGENT}, 1 failed`,
      itemsProcessed: 1,
      errors: [`${bad}: ${reason}; left in place`],
    });
    assertLogged(first, 'ERROR', `Not uploaded: ${bad}: ${reason}; left in place`);
    assertStoredExactly(nexus, { [good]: goodText });
    assert.deepEqual(await folderNames(job.archiveDir), [good]);
    assert.deepEqual(await readFile(path.join(dir, bad)), damaged);
    assert.deepEqual(Object.keys((await readLedger(job)) ?? {}), [bad]);
    const afterFirst = await snapshotFolder(dir);

    const second = await job.run();

    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(second.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 0 sessions for ${AGENT}`,
      itemsProcessed: 0,
      errors: [],
    });
    assertLogged(second, 'WARNING', `Still left in place: ${bad} (${reason})`);
    assertLogged(second, 'INFO', 'Found 0 completed sessions');
    assert.deepEqual(logged(second, 'ERROR'), []);
    assert.deepEqual(await snapshotFolder(dir), afterFirst);

    const repairedText = transcriptText(badId, 'repaired by hand');
    await writeAged(dir, bad, repairedText);
    const third = await job.run();

    assert.equal(third.code, 0, third.stderr);
    assert.equal(third.result.itemsProcessed, 1);
    assertLogged(third, 'INFO', `Uploaded: ${bad}`);
    assertStoredExactly(nexus, { [good]: goodText, [bad]: repairedText });
    assert.deepEqual(await folderNames(job.archiveDir), [bad, good].sort());
    assert.deepEqual(await readLedger(job), {});
  });

  test('an empty file is archived without an upload and counted apart', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const dir = job.sessionsDir;
    const emptyArchive = archiveName(newSessionId(), 'deleted');
    const emptyPlain = `${newSessionId()}.jsonl`;
    const fullId = newSessionId();
    const full = archiveName(fullId, 'reset');
    const fullText = transcriptText(fullId, 'has content');
    await writeAged(dir, emptyArchive, '');
    await writeAged(dir, emptyPlain, '');
    await writeAged(dir, full, fullText);
    await writeSessionStore(dir, {});

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 1 session for ${AGENT}; archived 2 empty files`,
      itemsProcessed: 1,
      errors: [],
    });
    assertLogged(run, 'INFO', `Archived empty file without upload: ${emptyArchive}`);
    assertLogged(run, 'INFO', `Archived empty file without upload: ${emptyPlain}`);
    assertLogged(run, 'INFO', 'Archived 3 files');
    assertLogged(run, 'INFO', 'Job complete: 1 uploaded, 0 failed');
    assertStoredExactly(nexus, { [full]: fullText });
    assert.deepEqual(await folderNames(job.archiveDir), [emptyArchive, emptyPlain, full].sort());
    assert.equal((await readFile(path.join(job.archiveDir, emptyArchive))).length, 0);
    assert.deepEqual(await folderNames(dir), ['sessions.json']);
  });

  test('a file over maxFileBytes is reported and left without being read', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, {
      url: nexus.url,
      apiKey: nexus.apiKey,
      options: { maxFileBytes: 400 },
    });
    const dir = job.sessionsDir;
    const bigId = newSessionId();
    const big = archiveName(bigId, 'reset');
    // Damaged UTF-8 too: had the file been read, the error would name the encoding, not the size.
    const bigBytes = Buffer.alloc(1000, 0x80);
    const smallId = newSessionId();
    const small = `${smallId}.jsonl`;
    const smallText = transcriptText(smallId, 'short');
    assert.ok(Buffer.byteLength(smallText) <= 400);
    await writeAged(dir, big, bigBytes);
    await writeAged(dir, small, smallText);
    await writeSessionStore(dir, {});

    const run = await job.run();

    const reason = '1000 bytes is over the limit of 400';
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: false,
      message: `Uploaded 1 session for ${AGENT}, 1 failed`,
      itemsProcessed: 1,
      errors: [`${big}: ${reason}; left in place`],
    });
    assertLogged(run, 'ERROR', `Not uploaded: ${big}: ${reason}; left in place`);
    assertStoredExactly(nexus, { [small]: smallText });
    assert.deepEqual(await readFile(path.join(dir, big)), bigBytes);
    assert.deepEqual(await folderNames(job.archiveDir), [small]);
    assert.equal((await readLedger(job))?.[big]?.reason, reason);
  });
});

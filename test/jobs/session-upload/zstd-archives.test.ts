/**
 * zstd-compressed archives (`<id>.jsonl.deleted.<ts>.zst`, SQLite-era OpenClaw): Nexus gets
 * the decompressed JSONL, the archive keeps the compressed file, a damaged one is left.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

import { decompress } from 'fzstd';

import { startLocalNexus } from '../../helpers/local-nexus.js';
import {
  archiveName,
  newSessionId,
  setAge,
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
  setUpUploadJob,
} from './upload-job.js';

const ZSTD_FIXTURES = fileURLToPath(new URL('../../../fixtures/zstd/', import.meta.url));
const FIXTURE_SESSION = '5d0c8f3a-2b7e-4c19-9f46-81a3e2b7c0d4';

const zstdMissing = spawnSync('zstd', ['--version']).status !== 0;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Runs the job on one archive per damaged file; each must be reported and left alone. */
async function runOnDamaged(
  t: TestContext,
  damaged: Buffer[],
  reason = /: not a valid zstd file \(.+\); left in place$/,
) {
  const nexus = await startLocalNexus();
  t.after(() => nexus.close());
  const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
  const names: string[] = [];
  for (const bytes of damaged) {
    const name = `${archiveName(newSessionId(), 'deleted')}.zst`;
    names.push(name);
    await writeAged(job.sessionsDir, name, bytes);
  }
  await writeSessionStore(job.sessionsDir, {});
  const before = await snapshotFolder(job.sessionsDir);

  const run = await job.run();

  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.result.success, false);
  assert.equal(run.result.itemsProcessed, 0);
  assert.equal(run.result.message, `Uploaded 0 sessions for ${AGENT}, ${names.length} failed`);
  assert.equal(run.result.errors.length, names.length);
  for (const name of names) {
    const error = run.result.errors.find((line) => line.startsWith(`${name}: `));
    assert.match(error ?? '', reason, `${name}: ${error}`);
    assertLogged(run, 'ERROR', `Not uploaded: ${error}`);
  }
  assert.deepEqual(nexus.sessions(), []);
  assert.deepEqual(await snapshotFolder(job.sessionsDir), before);
  assert.deepEqual(await folderNames(job.archiveDir), []);
}

describe('session_upload with zstd-compressed archives', { concurrency: 4 }, () => {
  test('a .zst archive from the zstd command line is stored decompressed', {
    skip: zstdMissing && 'the zstd command line is not installed; the fixture test covers .zst',
  }, async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const dir = job.sessionsDir;
    const [oneId, twoId] = [newSessionId(), newSessionId()];
    const one = `${archiveName(oneId, 'deleted')}.zst`;
    const two = `${archiveName(twoId, 'reset')}.zst`;
    const oneText = transcriptText(oneId, 'compressed by OpenClaw', 'ünïcödé ✓');
    const firstHalf = transcriptText(twoId, 'first frame');
    const secondHalf = '{"type":"message","id":"m9","note":"second frame"}\n';

    const source = path.join(job.root, 'one.jsonl');
    await writeAged(job.root, 'one.jsonl', oneText);
    execFileSync('zstd', ['-q', source, '-o', path.join(dir, one)]);
    // Two frames back to back, as appending with `zstd -c >>` makes: one stream to decode.
    const frames = Buffer.concat([
      execFileSync('zstd', ['-q', '-c'], { input: firstHalf }),
      execFileSync('zstd', ['-q', '-c'], { input: secondHalf }),
    ]);
    await writeAged(dir, two, frames);
    await setAge(path.join(dir, one), 60 * 60_000);
    await writeSessionStore(dir, {});
    const compressedOne = await readFile(path.join(dir, one));

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 2 sessions for ${AGENT}`,
      itemsProcessed: 2,
      errors: [],
    });
    assertLogged(run, 'INFO', `Uploaded: ${one}`);
    assertLogged(run, 'INFO', `Uploaded: ${two}`);
    assertStoredExactly(nexus, { [one]: oneText, [two]: firstHalf + secondHalf });
    const stored = nexus.sessions(AGENT).find((session) => session.fileName === one);
    assert.equal(stored?.sha256, sha256(Buffer.from(oneText)));
    assert.equal(stored?.sessionId, oneId);
    assert.deepEqual(await folderNames(job.archiveDir), [one, two].sort());
    assert.deepEqual(await readFile(path.join(job.archiveDir, one)), compressedOne);
    assert.deepEqual(await readFile(path.join(job.archiveDir, two)), frames);
    assert.deepEqual(await folderNames(dir), ['sessions.json']);
  });

  test('the committed .zst fixture is stored as its decompressed text', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const original = await readFile(path.join(ZSTD_FIXTURES, 'transcript.jsonl'));
    const compressed = await readFile(path.join(ZSTD_FIXTURES, 'transcript.jsonl.zst'));
    const name = `${archiveName(FIXTURE_SESSION, 'deleted', '2026-07-04T08-20-00.000Z')}.zst`;
    await writeAged(job.sessionsDir, name, compressed);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message:
        `Uploaded 1 session for ${AGENT}; plain transcripts left alone: sessions.json not found`,
      itemsProcessed: 1,
      errors: [],
    });
    assertLogged(run, 'INFO', `Uploaded: ${name}`);
    assertStoredExactly(nexus, { [name]: original });
    const [stored] = nexus.sessions(AGENT);
    assert.equal(stored?.sessionId, FIXTURE_SESSION);
    assert.equal(stored?.sha256, sha256(original));
    assert.equal(stored?.bytes, original.length);
    assert.deepEqual(await readFile(path.join(job.archiveDir, name)), compressed);
  });

  test('a damaged .zst is reported and left in place', async (t) => {
    const compressed = await readFile(path.join(ZSTD_FIXTURES, 'transcript.jsonl.zst'));
    await runOnDamaged(t, [
      Buffer.from('this was never compressed, just renamed\n'),
      compressed.subarray(0, Math.floor(compressed.length / 2)),
    ]);
  });

  test('a .zst whose compressed text was altered fails its content checksum', async (t) => {
    const original = await readFile(path.join(ZSTD_FIXTURES, 'transcript.jsonl'));
    const compressed = await readFile(path.join(ZSTD_FIXTURES, 'transcript.jsonl.zst'));
    // One bit inside the fixture's compressed block: it still decodes, to other text.
    const altered = Buffer.from(compressed);
    altered[62] = (altered[62] ?? 0) ^ 0x01;
    const decoded = Buffer.from(decompress(altered));
    assert.ok(!decoded.equals(original), 'the altered fixture should decode to other text');
    const reason = /: checksum mismatch in frame 1: the archive is damaged; left in place$/;
    await runOnDamaged(t, [altered], reason);
  });

  test('a .zst that inflates past maxFileBytes is refused while decompressing', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const original = await readFile(path.join(ZSTD_FIXTURES, 'transcript.jsonl'));
    const compressed = await readFile(path.join(ZSTD_FIXTURES, 'transcript.jsonl.zst'));
    const limit = Math.floor((compressed.length + original.length) / 2);
    const job = await setUpUploadJob(t, {
      url: nexus.url,
      apiKey: nexus.apiKey,
      options: { maxFileBytes: limit },
    });
    const name = `${archiveName(FIXTURE_SESSION, 'reset')}.zst`;
    await writeAged(job.sessionsDir, name, compressed);
    await writeSessionStore(job.sessionsDir, {});

    const run = await job.run();

    const reason = `decompressed size is over the limit of ${limit} bytes`;
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.result.errors, [`${name}: ${reason}; left in place`]);
    assertLogged(run, 'ERROR', `Not uploaded: ${name}: ${reason}; left in place`);
    assert.deepEqual(nexus.sessions(), []);
    assert.deepEqual(await folderNames(job.sessionsDir), [name, 'sessions.json'].sort());
  });
});

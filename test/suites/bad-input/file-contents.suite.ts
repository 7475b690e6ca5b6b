/**
 * Transcripts whose bytes are hostile: far too large, not UTF-8 in the ways real tools get it
 * wrong, or odd but valid text. Each is either stored exactly or reported and left in place.
 */
import assert from 'node:assert/strict';
import { open, readFile, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';

import {
  archiveName,
  newSessionId,
  snapshotFolder,
  transcriptText,
  writeSessionStore,
  HOUR,
} from '../../helpers/openclaw-folder.js';
import {
  AGENT,
  JOB_ID,
  assertLogged,
  assertStoredExactly,
  folderNames,
  readLedger,
} from '../../jobs/session-upload/upload-job.js';
import { uploadCaseWithNexus, writeOwned } from './upload-case.js';

const MIB = 1024 * 1024;
const NOT_UTF8 = 'not valid UTF-8; fix or remove the file by hand';

/**
 * Writes `bytes` of JSONL lines fast: one 1 MiB block of real lines, written again and again,
 * then aged an hour like the other transcripts.
 */
async function writeLargeTranscript(file: string, bytes: number, tail = Buffer.alloc(0)) {
  const message = { type: 'message', message: { role: 'user', text: 'x'.repeat(90) } };
  const line = `${JSON.stringify(message)}\n`;
  const block = Buffer.alloc(MIB, line);
  const handle = await open(file, 'w', 0o600);
  try {
    for (let written = 0; written < bytes; written += MIB) {
      await handle.write(block, 0, Math.min(MIB, bytes - written));
    }
    await handle.write(tail);
  } finally {
    await handle.close();
  }
  const hourAgo = new Date(Date.now() - HOUR);
  await utimes(file, hourAgo, hourAgo);
}

describe('bad input: transcript contents', { concurrency: 2 }, () => {
  test('a 60 MB transcript over maxFileBytes is refused at once, without being read', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const name = archiveName(newSessionId(), 'reset');
    const file = path.join(job.sessionsDir, name);
    // Damaged UTF-8 at its very end: had the file been read, the reason would be the encoding.
    await writeLargeTranscript(file, 60 * MIB, Buffer.from([0xff]));
    await writeSessionStore(job.sessionsDir, {});
    const before = await stat(file);
    t.after(() => rm(file, { force: true }));

    const started = Date.now();
    const run = await job.run();
    const tookMs = Date.now() - started;

    const reason = `${60 * MIB + 1} bytes is over the limit of ${10 * MIB}`;
    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.result.errors, [`${name}: ${reason}; left in place`]);
    assertLogged(run, 'ERROR', `Not uploaded: ${name}: ${reason}; left in place`);
    assert.ok(tookMs < 15_000, `the run took ${tookMs} ms for a file it should not read`);
    const after = await stat(file);
    assert.equal(after.size, before.size);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.deepEqual(nexus.sessions(), []);
    assert.deepEqual(await folderNames(job.archiveDir), []);
    assert.equal((await readLedger(job))?.[name]?.reason, reason);
    await rm(file);
  });

  test('a 60 MB transcript under a raised maxFileBytes: Nexus says 413, it stays', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t, {
      options: { maxFileBytes: 64 * MIB },
      requestTimeoutSeconds: 60,
    });
    const name = archiveName(newSessionId(), 'deleted');
    const file = path.join(job.sessionsDir, name);
    await writeLargeTranscript(file, 60 * MIB);
    await writeSessionStore(job.sessionsDir, {});
    const before = await stat(file);
    t.after(() => rm(file, { force: true }));

    const run = await job.run();

    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.result.success, false);
    assert.equal(run.result.errors.length, 1, run.stderr);
    const [error] = run.result.errors;
    assert.ok(error?.startsWith(`${name}: Nexus refused it: HTTP 413`), error);
    assert.match(error ?? '', /; left in place$/, 'a 413 is final: reported, not retried');
    const after = await stat(file);
    assert.equal(after.size, before.size);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.deepEqual(nexus.sessions(), []);
    assert.deepEqual(await folderNames(job.archiveDir), []);
    assert.match((await readLedger(job))?.[name]?.reason ?? '', /HTTP 413/);
    await rm(file);
  });

  test('NUL bytes inside valid UTF-8 reach Nexus exactly', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const id = newSessionId();
    const name = archiveName(id, 'reset');
    const text = `${transcriptText(id, 'before\u0000after')}\u0000\u0000{"type":"custom"}\n`;
    await writeOwned(job.sessionsDir, name, text);
    await writeSessionStore(job.sessionsDir, {});

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.itemsProcessed, 1);
    assertStoredExactly(nexus, { [name]: text });
    assert.deepEqual(await readFile(path.join(job.archiveDir, name), 'utf8'), text);
  });

  const badEncodings: Array<{ what: string; bytes: number[] }> = [
    {
      what: 'a surrogate pair in CESU-8 (as Java and MySQL utf8 write it)',
      bytes: [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80],
    },
    { what: 'a lone high surrogate encoded as if it were a character', bytes: [0xed, 0xa0, 0x80] },
    { what: 'an overlong NUL (modified UTF-8)', bytes: [0xc0, 0x80] },
    { what: 'a code point above U+10FFFF', bytes: [0xf4, 0x90, 0x80, 0x80] },
    { what: 'Latin-1 text ("größe")', bytes: [0x67, 0x72, 0xf6, 0xdf, 0x65] },
  ];

  for (const { what, bytes } of badEncodings) {
    test(`${what} is refused as not UTF-8, left in place, not replaced by U+FFFD`, async (t) => {
      const { nexus, job } = await uploadCaseWithNexus(t);
      const id = newSessionId();
      const name = `${id}.jsonl`;
      const content = Buffer.concat([
        Buffer.from(transcriptText(id, 'fine so far')),
        Buffer.from('{"type":"message","text":"'),
        Buffer.from(bytes),
        Buffer.from('"}\n'),
      ]);
      await writeOwned(job.sessionsDir, name, content);
      await writeSessionStore(job.sessionsDir, {});

      const run = await job.run();

      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(run.result.errors, [`${name}: ${NOT_UTF8}; left in place`]);
      assertLogged(run, 'ERROR', `Not uploaded: ${name}: ${NOT_UTF8}; left in place`);
      assert.deepEqual(nexus.sessions(), []);
      assert.deepEqual(await readFile(path.join(job.sessionsDir, name)), content);
      assert.deepEqual(await folderNames(job.archiveDir), []);
    });
  }

  test('a UTF-16 transcript with its byte-order mark (a Windows editor) is refused', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const id = newSessionId();
    const name = archiveName(id, 'deleted');
    const utf16 = Buffer.from(transcriptText(id, 'hi'), 'utf16le');
    const content = Buffer.concat([Buffer.from([0xff, 0xfe]), utf16]);
    await writeOwned(job.sessionsDir, name, content);
    await writeSessionStore(job.sessionsDir, {});

    const run = await job.run();

    assert.equal(run.code, 1, run.stderr);
    assert.deepEqual(run.result.errors, [`${name}: ${NOT_UTF8}; left in place`]);
    assert.deepEqual(nexus.sessions(), []);
    assert.deepEqual(await readFile(path.join(job.sessionsDir, name)), content);

    const again = await job.run();
    assert.equal(again.code, 0, again.stderr);
    assertLogged(again, 'WARNING', `Still left in place: ${name} (${NOT_UTF8})`);
  });

  test('text that is not JSON Lines at all is still uploaded byte for byte', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const name = archiveName(newSessionId(), 'reset');
    // The worker ships transcripts, it does not judge them: any valid UTF-8 goes as it is.
    const text = '\ufeff\r\n<html>\u2028not json\u2029</html>\r\u00a0\t👋🏽 e\u0301\n\n';
    await writeOwned(job.sessionsDir, name, text);
    await writeSessionStore(job.sessionsDir, {});
    const before = await snapshotFolder(job.sessionsDir);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 1 session for ${AGENT}`,
      itemsProcessed: 1,
      errors: [],
    });
    assertStoredExactly(nexus, { [name]: text });
    assert.deepEqual(Object.keys(before).filter((entry) => entry !== name), ['sessions.json']);
    assert.equal(await readFile(path.join(job.archiveDir, name), 'utf8'), text);
  });
});

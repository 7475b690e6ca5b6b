/**
 * Transcript names that are legal on disk but hostile to programs: unicode, spaces, `%`,
 * newlines and terminal escapes, names at the 255-byte limit, bytes that are not UTF-8, and
 * entries named like transcripts that are FIFOs or sockets. Each is uploaded under its exact
 * name and archived, or left alone with a reason; no log line is ever split.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { createServer } from 'node:net';
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
  assertLogged,
  assertStoredExactly,
  folderNames,
} from '../../jobs/session-upload/upload-job.js';
import { uploadCaseWithNexus, writeOwned } from './upload-case.js';

/** How the log shows text: control characters escaped (README, Log lines), one event a line. */
function shown(text: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (char) =>
    named[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

describe('bad input: transcript file names', { concurrency: 4 }, () => {
  const strangeTopics: Array<{ what: string; topic: string }> = [
    { what: 'unicode letters, emoji and a combining accent', topic: '日本語-👋🏽-e\u0301' },
    { what: 'spaces, % escapes and printf directives', topic: '100%25 done %s %n %d %%' },
    { what: 'shell and glob characters', topic: '$(rm -rf ~)`x`;*?[a]{b,c}\'"' },
  ];

  for (const { what, topic } of strangeTopics) {
    test(`a topic named with ${what}: stored and archived under its exact name`, async (t) => {
      const { nexus, job } = await uploadCaseWithNexus(t);
      const id = newSessionId();
      const name = `${id}-topic-${topic}.jsonl`;
      const text = transcriptText(id, `thread ${topic}`);
      await writeOwned(job.sessionsDir, name, text);
      await writeSessionStore(job.sessionsDir, {});

      const run = await job.run();

      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.result.message, `Uploaded 1 session for ${AGENT}`);
      assertLogged(run, 'INFO', `Uploaded: ${name}`);
      assertStoredExactly(nexus, { [name]: text });
      assert.deepEqual(await folderNames(job.archiveDir), [name]);
      assert.equal(await readFile(path.join(job.archiveDir, name), 'utf8'), text);
    });
  }

  test('a newline in a name: not OpenClaw\'s (it encodes topics), left, one line', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const id = newSessionId();
    const name = `${id}-topic-evil\n2026-12-03T13:21:03 [ERROR] [main-sessions] forged.jsonl`;
    await writeOwned(job.sessionsDir, name, transcriptText(id, 'newline in my name'));
    await writeSessionStore(job.sessionsDir, {});
    const before = await snapshotFolder(job.sessionsDir);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    const stem = name.slice(0, -'.jsonl'.length);
    const reason = `"${stem}" is not a session id (UUID), so this is not OpenClaw's; left alone`;
    assertLogged(run, 'INFO', shown(`Skipped: ${name} (${reason})`));
    assert.deepEqual(run.log.filter((line) => line.level === 'ERROR'), [], 'a line was forged');
    assert.deepEqual(nexus.sessions(), []);
    assert.deepEqual(await snapshotFolder(job.sessionsDir), before);
  });

  test('terminal escapes and tabs in a name: uploaded, shown escaped, name kept', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const id = newSessionId();
    const name = `${id}-topic-\u001b[2J\u001b]0;owned\u0007\ttab\u007f.jsonl`;
    const text = transcriptText(id, 'escapes in my name');
    await writeOwned(job.sessionsDir, name, text);
    await writeSessionStore(job.sessionsDir, {});

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assertLogged(run, 'INFO', `Uploaded: ${shown(name)}`);
    // eslint-disable-next-line no-control-regex
    const raw = /[\u0000-\u0009\u000b-\u001f\u007f]/;
    assert.ok(!raw.test(run.stderr), 'a raw control character was printed');
    assertStoredExactly(nexus, { [name]: text });
    assert.deepEqual(await folderNames(job.archiveDir), [name]);
  });

  test('a name of exactly 255 bytes is uploaded and archived', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const id = newSessionId();
    const name = longName(id, 255);
    const text = transcriptText(id, 'long name');
    await writeOwned(job.sessionsDir, name, text);
    await writeSessionStore(job.sessionsDir, {});

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assertStoredExactly(nexus, { [name]: text });
    assert.deepEqual(await folderNames(job.archiveDir), [name]);
  });

  test('a 255-byte name taken in the archive by other bytes: archived, kept', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const id = newSessionId();
    const name = longName(id, 255);
    const text = transcriptText(id, 'the newer file');
    const older = transcriptText(id, 'the file archived before');
    await writeOwned(job.sessionsDir, name, text);
    await writeSessionStore(job.sessionsDir, {});
    await mkdir(job.archiveDir, { mode: 0o700 });
    await writeOwned(job.archiveDir, name, older);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result.errors, []);
    assertStoredExactly(nexus, { [name]: text });
    assert.equal(await readFile(path.join(job.archiveDir, name), 'utf8'), older);
    const archived = await folderNames(job.archiveDir);
    assert.equal(archived.length, 2, `archive holds ${JSON.stringify(archived)}`);
    const copy = archived.find((entry) => entry !== name) ?? '';
    assert.ok(Buffer.byteLength(copy) <= 255, 'the duplicate name must fit the file system');
    assert.equal(await readFile(path.join(job.archiveDir, copy), 'utf8'), text);
    assert.deepEqual(await folderNames(job.sessionsDir), ['sessions.json']);
  });

  test('a 250-byte name archived to another file system: copied under a name that fits', {
    skip: !sharedMemoryIsAnotherFileSystem() && '/dev/shm is not a separate file system here',
  }, async (t) => {
    const archiveRoot = await mkdtemp(path.join('/dev/shm', 'bad-input-archive-'));
    t.after(() => rm(archiveRoot, { recursive: true, force: true }));
    const archiveDir = path.join(archiveRoot, 'archive');
    const { nexus, job } = await uploadCaseWithNexus(t, { archiveDir });
    const id = newSessionId();
    const name = longName(id, 250);
    const text = transcriptText(id, 'long name, far archive');
    await writeOwned(job.sessionsDir, name, text);
    await writeSessionStore(job.sessionsDir, {});

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result.errors, []);
    assertStoredExactly(nexus, { [name]: text });
    assert.deepEqual(await readdir(archiveDir), [name], 'no temp file may be left behind');
    assert.equal(await readFile(path.join(archiveDir, name), 'utf8'), text);
  });

  test('a name that is not valid UTF-8 is left alone and reported, saying so', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const id = newSessionId();
    // Latin-1 "é" in a topic: Linux allows any bytes in a name, a string cannot name this one.
    const rawName = Buffer.concat([
      Buffer.from(`${id}-topic-caf`),
      Buffer.from([0xe9]),
      Buffer.from('.jsonl.deleted.2026-06-03T22-45-31.372Z'),
    ]);
    const rawPath = Buffer.concat([Buffer.from(`${job.sessionsDir}/`), rawName]);
    await writeFile(rawPath, transcriptText(id, 'my name is not UTF-8'), { mode: 0o600 });
    const hourAgo = new Date(Date.now() - HOUR);
    await utimes(rawPath, hourAgo, hourAgo);
    const good = archiveName(newSessionId(), 'reset');
    await writeOwned(job.sessionsDir, good, transcriptText(good.slice(0, 36)));
    await writeSessionStore(job.sessionsDir, {});

    const run = await job.run();

    assert.equal(run.result.itemsProcessed, 1);
    assert.deepEqual(await folderNames(job.archiveDir), [good]);
    assert.equal(nexus.sessions().length, 1);
    const left = await readdir(job.sessionsDir, { encoding: 'buffer' });
    assert.ok(left.some((entry) => entry.equals(rawName)), 'the file with the odd name is gone');
    const mention = run.log.find((line) => line.message.includes(`${id}-topic-caf`));
    assert.ok(mention, `the file is not named in the log (without --verbose):\n${run.stderr}`);
    assert.match(mention.message, /UTF-8/, `the reason is not what is wrong: ${mention.message}`);
    assert.equal(mention.level, 'WARNING');
    assert.ok(mention.message.includes(`${id}-topic-caf\\xe9.jsonl.deleted.`), mention.message);
  });

  test('names only like a session id (fullwidth digits, Cyrillic letters) are left', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    // An id with neither an "a" nor an "e" (about 1 in 55) leaves no letter to swap for Cyrillic.
    let id = newSessionId();
    while (!/[ae]/.test(id)) id = newSessionId();
    const wide = (digit: string) => String.fromCharCode(0xff10 + Number(digit));
    const fullwidth = `${id.replace(/[0-9]/g, wide)}.jsonl`;
    const cyrillic = archiveName(id.replace(/a/g, '\u0430').replace(/e/g, '\u0435'), 'reset');
    for (const name of [fullwidth, cyrillic]) {
      await writeOwned(job.sessionsDir, name, transcriptText(id));
    }
    await writeSessionStore(job.sessionsDir, {});
    const before = await snapshotFolder(job.sessionsDir);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.itemsProcessed, 0);
    for (const name of [fullwidth, cyrillic]) {
      const line = run.log.find((entry) => entry.message.startsWith(`Skipped: ${name} (`));
      assert.ok(line, `no INFO line names ${name}:\n${run.stderr}`);
      assert.equal(line.level, 'INFO');
      assert.match(line.message, /is not a session id \(UUID\), so this is not OpenClaw's; left/);
    }
    assert.deepEqual(nexus.sessions(), []);
    assert.deepEqual(await snapshotFolder(job.sessionsDir), before);
  });

  test('FIFOs and sockets named like transcripts never block a run and are left', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const fifos = [archiveName(newSessionId(), 'reset'), `${newSessionId()}.jsonl`];
    for (const name of fifos) execFileSync('mkfifo', [path.join(job.sessionsDir, name)]);
    const socketName = `${archiveName(newSessionId(), 'deleted')}.zst`;
    // A socket path is limited to 108 bytes: bind a short one, then move it into place.
    const shortPath = path.join(os.tmpdir(), `bad-input-${process.pid}-${Date.now()}.sock`);
    const socket = createServer();
    await new Promise<void>((resolve) => socket.listen(shortPath, resolve));
    t.after(() => new Promise<void>((resolve) => socket.close(() => resolve())));
    await rename(shortPath, path.join(job.sessionsDir, socketName));
    const good = archiveName(newSessionId(), 'deleted');
    const goodText = transcriptText(good.slice(0, 36), 'a real file beside them');
    await writeOwned(job.sessionsDir, good, goodText);
    await writeSessionStore(job.sessionsDir, {});

    const run = await job.run('--verbose');

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.itemsProcessed, 1);
    for (const name of [...fifos, socketName]) {
      assertLogged(run, 'DEBUG', `Skipped: ${name} (not a regular file (socket, FIFO or device))`);
    }
    assertStoredExactly(nexus, { [good]: goodText });
    assert.deepEqual(await folderNames(job.archiveDir), [good]);
    assert.deepEqual(
      await folderNames(job.sessionsDir),
      [...fifos, socketName, 'sessions.json'].sort(),
    );
  });

  test('two names that differ only in Unicode normal form are two transcripts', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const id = newSessionId();
    const composed = `${id}-topic-caf\u00e9.jsonl`;
    const decomposed = `${id}-topic-cafe\u0301.jsonl`;
    const texts = {
      [composed]: transcriptText(id, 'composed'),
      [decomposed]: transcriptText(id, 'decomposed'),
    };
    for (const [name, text] of Object.entries(texts)) await writeOwned(job.sessionsDir, name, text);
    await writeSessionStore(job.sessionsDir, {});

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.itemsProcessed, 2);
    assertStoredExactly(nexus, texts);
    assert.deepEqual(await folderNames(job.archiveDir), [composed, decomposed].sort());
  });
});

/** `<id>-topic-xxx….jsonl.reset.<ts>` of exactly `bytes` bytes. */
function longName(id: string, bytes: number): string {
  const shortest = archiveName(`${id}-topic-`, 'reset');
  return archiveName(`${id}-topic-${'t'.repeat(bytes - shortest.length)}`, 'reset');
}

function sharedMemoryIsAnotherFileSystem(): boolean {
  try {
    return statSync(os.tmpdir()).dev !== statSync('/dev/shm').dev;
  } catch {
    return false;
  }
}

/**
 * Which entries of a sessions folder a run uploads and moves: every kind of name OpenClaw
 * writes, the bundled real folder, and store entries whose paths were written elsewhere.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { cp, mkdir, readFile, readdir, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startLocalNexus } from '../../helpers/local-nexus.js';
import {
  archiveName,
  newSessionId,
  sessionIdsFor,
  setAge,
  snapshotFolder,
  transcriptText,
  writeAged,
  writeSessionStore,
  HOUR,
} from '../../helpers/openclaw-folder.js';
import {
  AGENT,
  JOB_ID,
  assertLogged,
  assertStoredExactly,
  folderNames,
  logged,
  setUpUploadJob,
  withoutNames,
  type JobRun,
} from './upload-job.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
const ZSTD_SESSION = '5d0c8f3a-2b7e-4c19-9f46-81a3e2b7c0d4';

function assertSkipped(run: JobRun, name: string, reason?: string): void {
  const prefix = `Skipped: ${name} (`;
  const line = logged(run, 'DEBUG').find((message) => message.startsWith(prefix));
  assert.ok(line, `expected a "Skipped: ${name}" line in the log:\n${run.stderr}`);
  if (reason) assert.equal(line, `${prefix}${reason})`);
}

describe('session_upload choosing what to upload', { concurrency: 4 }, () => {
  test('only completed transcripts are uploaded and moved, every other entry stays', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const dir = job.sessionsDir;

    const id = sessionIdsFor('reset', 'deleted', 'orphan', 'topic', 'active', 'activeTopic');
    const zstdOriginal = await readFile(path.join(FIXTURES, 'zstd', 'transcript.jsonl'));
    const zstdCompressed = await readFile(path.join(FIXTURES, 'zstd', 'transcript.jsonl.zst'));
    const completed = {
      [archiveName(id.reset, 'reset')]: transcriptText(id.reset, 'reset me'),
      // A byte-order mark and Windows line ends must reach Nexus exactly as written.
      [archiveName(id.deleted, 'deleted')]:
        `\ufeff${transcriptText(id.deleted, 'größer 👋').replaceAll('\n', '\r\n')}`,
      [`${id.orphan}.jsonl`]: transcriptText(id.orphan, 'no entry refers to me'),
      [`${id.topic}-topic-1712.jsonl`]: transcriptText(id.topic, 'a thread, no newline')
        .trimEnd(),
    };
    const zstdName = `${archiveName(ZSTD_SESSION, 'deleted')}.zst`;
    for (const [name, text] of Object.entries(completed)) await writeAged(dir, name, text);
    await writeAged(dir, zstdName, zstdCompressed);

    const checkpoint = `${id.active}.checkpoint.${randomUUID()}.jsonl`;
    const openclawFiles = [
      `${id.active}.jsonl`,
      `${id.activeTopic}-topic-7.jsonl`,
      checkpoint,
      `${id.active}.trajectory.jsonl`,
      `${id.active}.trajectory-path.json`,
      `${newSessionId()}.jsonl.lock`,
      `sessions.json.${randomUUID()}.tmp`,
      `${newSessionId()}.jsonl.tmp`,
      'sessions.json.bak.1780313933946',
      'sessions.json.bak-4242-1780313933946',
      `${id.active}.jsonl.repair-1780313933946.tmp`,
      'sessions.json.telegram-messages.json',
      'notes.txt',
    ];
    for (const name of openclawFiles) {
      await writeAged(dir, name, transcriptText(id.active));
    }
    const home = '/home/ada/.openclaw/agents/main/sessions';
    await writeSessionStore(dir, {
      'agent:main:main': {
        sessionId: id.active,
        updatedAt: Date.now(),
        sessionFile: `${home}/${id.active}.jsonl`,
        compactionCheckpoints: [{ preCompaction: { sessionFile: `${home}/${checkpoint}` } }],
      },
      'agent:main:telegram:direct:4711': {
        sessionId: id.activeTopic,
        updatedAt: Date.now(),
        sessionFile: `${home}/${id.activeTopic}-topic-7.jsonl`,
      },
    });

    const coldName = `${'c'.repeat(64)}.jsonl.zst`;
    await mkdir(path.join(dir, 'cold'));
    await writeAged(path.join(dir, 'cold'), coldName, zstdCompressed);
    const folderLikeArchive = archiveName(newSessionId(), 'reset');
    await mkdir(path.join(dir, folderLikeArchive));
    const outside = await writeAged(job.root, 'elsewhere.jsonl', transcriptText(newSessionId()));
    const linkName = archiveName(newSessionId(), 'deleted');
    await symlink(outside, path.join(dir, linkName));
    const before = await snapshotFolder(dir);
    const outsideBefore = await readFile(outside);

    const run = await job.run('--verbose');

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 5 sessions for ${AGENT}`,
      itemsProcessed: 5,
      errors: [],
    });
    const uploadedNames = [...Object.keys(completed), zstdName];
    assertLogged(run, 'INFO', 'Found 5 completed sessions');
    for (const name of uploadedNames) assertLogged(run, 'INFO', `Uploaded: ${name}`);
    assertLogged(run, 'INFO', 'Archived 5 files');
    assertLogged(run, 'INFO', 'Job complete: 5 uploaded, 0 failed');
    assert.deepEqual(logged(run, 'WARNING'), []);
    assert.deepEqual(logged(run, 'ERROR'), []);
    const active = 'sessions.json refers to it: still active';
    assertSkipped(run, `${id.active}.jsonl`, active);
    assertSkipped(run, `${id.activeTopic}-topic-7.jsonl`, active);
    assertSkipped(run, linkName, 'a symbolic link; links are not followed');
    assertSkipped(run, folderLikeArchive, 'a folder, not a transcript file');
    assertSkipped(run, 'cold', 'a folder, not a transcript file');
    for (const name of openclawFiles) assertSkipped(run, name);

    assertStoredExactly(nexus, { ...completed, [zstdName]: zstdOriginal });
    const stored = nexus.sessions(AGENT);
    assert.equal(stored.find((session) => session.fileName === zstdName)?.sessionId, ZSTD_SESSION);
    const topic = stored.find((session) => session.sessionId === id.topic);
    assert.equal(topic?.fileName, `${id.topic}-topic-1712.jsonl`);

    assert.deepEqual(await folderNames(job.archiveDir), uploadedNames.sort());
    // The worker makes the archive; transcripts are private, so it is the owner's alone.
    assert.equal((await stat(job.archiveDir)).mode & 0o077, 0);
    for (const [name, text] of Object.entries(completed)) {
      assert.equal(await readFile(path.join(job.archiveDir, name), 'utf8'), text);
    }
    assert.deepEqual(await readFile(path.join(job.archiveDir, zstdName)), zstdCompressed);
    assert.deepEqual(await snapshotFolder(dir), withoutNames(before, uploadedNames));
    assert.deepEqual(await readFile(outside), outsideBefore);
  });

  test('the bundled OpenClaw folder: archives stored exactly, the rest untouched', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const sample = path.join(FIXTURES, 'openclaw-legacy', 'agents', 'main', 'sessions');
    await cp(sample, job.sessionsDir, { recursive: true });
    for (const name of await readdir(job.sessionsDir)) {
      await setAge(path.join(job.sessionsDir, name), 2 * HOUR);
    }
    const reset = '60480e1e-6d95-473d-8adf-d5816f52e268.jsonl.reset.2026-06-03T22-45-31.372Z';
    const deleted = 'b6613141-de65-4b4e-b095-f5095b7c585f.jsonl.deleted.2026-06-29T17-41-11.188Z';
    const live = '913d0f7b-8fa1-4578-9105-3ef6710cc9d0.jsonl';
    const archives = {
      [reset]: await readFile(path.join(sample, reset)),
      [deleted]: await readFile(path.join(sample, deleted)),
    };
    const before = await snapshotFolder(job.sessionsDir);

    const run = await job.run('--verbose');

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 2 sessions for ${AGENT}`,
      itemsProcessed: 2,
      errors: [],
    });
    assertLogged(run, 'INFO', 'Found 2 completed sessions');
    assertLogged(run, 'INFO', `Uploaded: ${reset}`);
    assertLogged(run, 'INFO', `Uploaded: ${deleted}`);
    assertSkipped(run, live, 'sessions.json refers to it: still active');
    assertSkipped(run, '913d0f7b-8fa1-4578-9105-3ef6710cc9d0.trajectory-path.json');

    assertStoredExactly(nexus, archives);
    assert.deepEqual(
      nexus.sessions(AGENT).map((session) => session.sessionId).sort(),
      ['60480e1e-6d95-473d-8adf-d5816f52e268', 'b6613141-de65-4b4e-b095-f5095b7c585f'],
    );
    assert.deepEqual(await folderNames(job.archiveDir), [reset, deleted].sort());
    assert.deepEqual(await readFile(path.join(job.archiveDir, reset)), archives[reset]);
    assert.deepEqual(await readFile(path.join(job.archiveDir, deleted)), archives[deleted]);
    // Same bytes and same modification time: the live transcript was not even rewritten.
    assert.deepEqual(await snapshotFolder(job.sessionsDir), withoutNames(before, [reset, deleted]));
    assert.ok(before[live]);
  });
});

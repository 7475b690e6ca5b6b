/**
 * Moving uploaded files into the archive never loses or overwrites one: a taken name with the
 * same bytes counts as done, with other bytes gets a `.dup-` name, and a move to another file
 * system copies, syncs and cleans up after itself.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import { startLocalNexus } from '../../helpers/local-nexus.js';
import { snapshotFolder, writeAged } from '../../helpers/openclaw-folder.js';
import {
  AGENT,
  JOB_ID,
  assertLogged,
  assertStoredExactly,
  folderNames,
  setUpUploadJob,
  writeArchives,
} from './upload-job.js';

function dupName(name: string, content: string, attempt = 1): string {
  const short = createHash('sha256').update(content).digest('hex').slice(0, 12);
  return attempt === 1 ? `${name}.dup-${short}` : `${name}.dup-${short}-${attempt}`;
}

/** Why the cross-device test cannot run here, or undefined when it can. */
async function noOtherFileSystem(): Promise<string | undefined> {
  let shm;
  try {
    shm = await stat('/dev/shm');
  } catch {
    return '/dev/shm does not exist on this machine';
  }
  if (!shm.isDirectory()) return '/dev/shm is not a folder on this machine';
  if (shm.dev === (await stat(os.tmpdir())).dev) {
    return `/dev/shm is on the same file system as ${os.tmpdir()}`;
  }
  return undefined;
}

const crossDeviceSkip = await noOtherFileSystem();

describe('session_upload moving files into the archive', { concurrency: 4 }, () => {
  test('a name archived with the same bytes: the source goes, one copy stays', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const [archive] = await writeArchives(job.sessionsDir, 1);
    assert.ok(archive);
    await mkdir(job.archiveDir);
    await writeAged(job.archiveDir, archive.name, archive.text, 24 * 3_600_000);
    const archivedBefore = await snapshotFolder(job.archiveDir);

    const run = await job.run('--verbose');

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 1 session for ${AGENT}`,
      itemsProcessed: 1,
      errors: [],
    });
    assertLogged(run, 'DEBUG', `${archive.name} already archived as ${archive.name}`);
    assertStoredExactly(nexus, { [archive.name]: archive.text });
    assert.deepEqual(await snapshotFolder(job.archiveDir), archivedBefore);
    assert.deepEqual(await folderNames(job.sessionsDir), ['sessions.json']);
  });

  test('a name already archived with other bytes: a .dup- name, nothing overwritten', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const [first, second] = await writeArchives(job.sessionsDir, 2);
    assert.ok(first && second);
    await mkdir(job.archiveDir);
    await writeAged(job.archiveDir, first.name, 'an older upload of another transcript\n');
    await writeAged(job.archiveDir, second.name, 'taken once\n');
    await writeAged(job.archiveDir, dupName(second.name, second.text), 'taken twice\n');
    const archivedBefore = await snapshotFolder(job.archiveDir);

    const run = await job.run('--verbose');

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.success, true);
    assert.equal(run.result.itemsProcessed, 2);
    const firstTarget = dupName(first.name, first.text);
    const secondTarget = dupName(second.name, second.text, 2);
    assertLogged(run, 'DEBUG', `${first.name} archived as ${firstTarget}`);
    assertLogged(run, 'DEBUG', `${second.name} archived as ${secondTarget}`);
    const archivedAfter = await snapshotFolder(job.archiveDir);
    assert.deepEqual(
      Object.keys(archivedAfter),
      [...Object.keys(archivedBefore), firstTarget, secondTarget].sort(),
    );
    for (const [name, entry] of Object.entries(archivedBefore)) {
      assert.deepEqual(archivedAfter[name], entry, `${name} was changed`);
    }
    assert.equal(await readFile(path.join(job.archiveDir, firstTarget), 'utf8'), first.text);
    assert.equal(await readFile(path.join(job.archiveDir, secondTarget), 'utf8'), second.text);
    assert.deepEqual(await folderNames(job.sessionsDir), ['sessions.json']);
  });

  test('an archive on another file system: copied, synced, no temp file left', {
    skip: crossDeviceSkip,
  }, async (t) => {
    const archiveRoot = await mkdtemp(path.join('/dev/shm', 'session-upload-archive-'));
    t.after(() => rm(archiveRoot, { recursive: true, force: true }));
    const archiveDir = path.join(archiveRoot, 'archive');
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey, archiveDir });
    const [moved, alreadyThere, clashing] = await writeArchives(job.sessionsDir, 3);
    assert.ok(moved && alreadyThere && clashing);
    await mkdir(archiveDir);
    await writeAged(archiveDir, alreadyThere.name, alreadyThere.text);
    await writeAged(archiveDir, clashing.name, 'another transcript under this name\n');
    // What a run killed in the middle of a copy leaves behind.
    await writeAged(archiveDir, `.${moved.name}.0a1b2c3d4e5f.nexus-tmp`, moved.text.slice(0, 40));
    assert.notEqual((await stat(archiveDir)).dev, (await stat(job.sessionsDir)).dev);
    // OpenClaw makes its files owner-only; a copy to another file system must stay so.
    for (const { name } of [moved, clashing]) await chmod(path.join(job.sessionsDir, name), 0o600);

    const run = await job.run('--verbose');

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 3 sessions for ${AGENT}`,
      itemsProcessed: 3,
      errors: [],
    });
    assertLogged(run, 'INFO', 'Removed 1 temp file left by an interrupted run');
    assertLogged(run, 'INFO', 'Archived 3 files');
    const clashTarget = dupName(clashing.name, clashing.text);
    assertLogged(run, 'DEBUG', `${clashing.name} archived as ${clashTarget}`);
    assertLogged(run, 'DEBUG', `${alreadyThere.name} already archived as ${alreadyThere.name}`);
    assertStoredExactly(nexus, {
      [moved.name]: moved.text,
      [alreadyThere.name]: alreadyThere.text,
      [clashing.name]: clashing.text,
    });
    assert.deepEqual(
      await folderNames(archiveDir),
      [moved.name, alreadyThere.name, clashing.name, clashTarget].sort(),
    );
    assert.equal(await readFile(path.join(archiveDir, moved.name), 'utf8'), moved.text);
    assert.equal(await readFile(path.join(archiveDir, clashTarget), 'utf8'), clashing.text);
    for (const name of [moved.name, clashTarget]) {
      assert.equal((await stat(path.join(archiveDir, name))).mode & 0o777, 0o600, name);
    }
    assert.equal(
      await readFile(path.join(archiveDir, clashing.name), 'utf8'),
      'another transcript under this name\n',
    );
    assert.deepEqual(await folderNames(job.sessionsDir), ['sessions.json']);
  });
});

import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { isProcessAlive } from '../../src/worker/process-identity.js';
import { makeFakeOpenclaw, pathWith, type FakeProgram } from '../helpers/fake-openclaw.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import {
  KEY,
  addTranscript,
  archiveDirOf,
  listFiles,
  readState,
  sessionsDirOf,
  startStalledNexus,
  writeConfig,
} from './daemon-setup.js';

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function firstCall(fake: FakeProgram) {
  await until(async () => (await fake.calls()).length > 0, 'the notifier program to start');
  const [call] = await fake.calls();
  return call!;
}

test('SIGTERM during an upload: that upload finishes and is archived, nothing new starts',
  async (t) => {
    const nexus = await startStalledNexus(t, 1500);
    const dir = await makeTempDir(t);
    const job = { id: 'main-sessions', options: { concurrency: 1 } };
    const config = await writeConfig(dir, [job], { url: nexus.url });
    const first = await addTranscript(sessionsDirOf(dir, job));
    const second = await addTranscript(sessionsDirOf(dir, job));

    const daemon = spawnCli(t, ['--config', config], { secrets: [KEY] });
    await nexus.uploadArrived;
    daemon.child.kill('SIGTERM');
    const run = await daemon.exited();

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Received SIGTERM: finishing the work in flight, then stopping/);
    assert.match(run.stderr, /\[INFO\] \[scheduler\] Stopped\n$/);

    const archived = await readdir(archiveDirOf(dir, job));
    const left = (await readdir(sessionsDirOf(dir, job))).filter((name) => name !== 'archive');
    assert.equal(archived.length, 1, 'the upload in flight finished and its file was archived');
    assert.equal(left.length, 1, 'the other transcript was not started');
    assert.deepEqual([...archived, ...left].sort(), [first, second].sort());

    const state = await readState(dir, 'main-sessions');
    assert.equal(state.result.itemsProcessed, 1);
    assert.match(state.result.message, /shutting down/);
    const leftovers = (await listFiles(dir)).filter(({ file }) => /tmp|\.lock$/.test(file));
    assert.deepEqual(leftovers, []);
  },
);

test('SIGTERM during an upload that never ends: cut off at the grace period, nothing lost',
  async (t) => {
    const nexus = await startStalledNexus(t);
    const dir = await makeTempDir(t);
    const job = { id: 'main-sessions' };
    const config = await writeConfig(dir, [job], { url: nexus.url, shutdownGraceSeconds: 2 });
    const transcript = await addTranscript(sessionsDirOf(dir, job));
    const original = await readFile(path.join(sessionsDirOf(dir, job), transcript), 'utf8');

    const daemon = spawnCli(t, ['--config', config], { secrets: [KEY] });
    await nexus.uploadArrived;
    daemon.child.kill('SIGTERM');
    const run = await daemon.exited();

    assert.equal(run.code, 0, run.stderr);
    const kept = await readFile(path.join(sessionsDirOf(dir, job), transcript), 'utf8');
    assert.equal(kept, original, 'the transcript is where it was, unchanged');
    assert.deepEqual(await readdir(archiveDirOf(dir, job)), []);

    const state = await readState(dir, 'main-sessions');
    assert.equal(state.result.success, false);
    assert.match(state.result.message, /shutting down/);
    const leftovers = (await listFiles(dir)).filter(({ file }) => /tmp|\.lock$/.test(file));
    assert.deepEqual(leftovers, []);
  },
);

function notifyingConfig(dir: string, extra: Record<string, unknown> = {}) {
  return writeConfig(dir, [{ id: 'tell-ops', notifyAgentId: 'ops', notifyOn: 'always' }], extra);
}

test('a second signal stops at once, with the notifier program killed and locks released',
  async (t) => {
    const dir = await makeTempDir(t);
    const fake = await makeFakeOpenclaw(dir, { hangForAgent: 'ops' });
    const config = await notifyingConfig(dir);

    const daemon = spawnCli(t, ['--config', config], {
      env: { PATH: pathWith(fake.binDir) },
      secrets: [KEY],
    });
    const call = await firstCall(fake);
    daemon.child.kill('SIGTERM');
    await daemon.waitForStderr((text) => text.includes('Waiting for 1 notification'), 'the wait');
    daemon.child.kill('SIGTERM');
    const run = await daemon.exited();

    assert.equal(run.code, 143, run.stderr);
    assert.match(run.stderr, /Received SIGTERM again: stopping at once/);
    await until(async () => !isProcessAlive(call.pid), 'the notifier program to be killed');
    assert.deepEqual(await readdir(path.join(dir, 'state', 'locks')), []);
  },
);

test('notifications still pending when the grace period ends are stopped; exit is clean',
  async (t) => {
    const dir = await makeTempDir(t);
    const fake = await makeFakeOpenclaw(dir, { hangForAgent: 'ops' });
    const config = await notifyingConfig(dir, { shutdownGraceSeconds: 0.5 });

    const daemon = spawnCli(t, ['--config', config], {
      env: { PATH: pathWith(fake.binDir) },
      secrets: [KEY],
    });
    const call = await firstCall(fake);
    daemon.child.kill('SIGTERM');
    const run = await daemon.exited();

    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /Notifications still pending after the 0.5s grace period/);
    assert.match(run.stderr, /\[ERROR\] \[tell-ops\] Notification to agent "ops" failed: .*down/);
    assert.equal(isProcessAlive(call.pid), false);
    assert.equal((await readState(dir, 'tell-ops')).result.success, true);
  },
);

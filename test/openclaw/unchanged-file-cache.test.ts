/**
 * A scan reuses what it parsed of `sessions.json` only while the store is provably unchanged:
 * same device, inode, size, modification and change time. The scan tests let the store sit
 * still for over 2 s first, since a store changed more recently is never reused.
 */
import assert from 'node:assert/strict';
import { rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { scanSessionsFolder, type ScanResult } from '../../src/openclaw/find-transcripts.js';
import { UnchangedFileCache } from '../../src/openclaw/unchanged-file-cache.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { HOUR, ID_A, ID_B, readyNames, sessionsFolder, skippedAs } from './scan-fixture.js';

/** Longer than the 2 s within which a changed store is not trusted to show a further change. */
const STILL_MS = 2_200;
/** Whole seconds, so a utimes call can set the very same mtime again. */
const STORE_MTIME_S = Math.floor((Date.now() - HOUR) / 1000);

/** Both session ids have the same length: a store naming the other one has the same size. */
function storeText(liveId: string): string {
  return JSON.stringify({ 'agent:main:main': { sessionId: liveId, updatedAt: 1 } });
}

/** A folder with two settled transcripts and a store naming `ID_A` live, still for 2.2 s. */
async function folderWithStore(t: TestContext): Promise<string> {
  const dir = await sessionsFolder(t);
  const settled = (Date.now() - HOUR) / 1000;
  for (const id of [ID_A, ID_B]) {
    await writeFile(path.join(dir, `${id}.jsonl`), 'x\n');
    await utimes(path.join(dir, `${id}.jsonl`), settled, settled);
  }
  await writeFile(path.join(dir, 'sessions.json'), storeText(ID_A));
  await utimes(path.join(dir, 'sessions.json'), STORE_MTIME_S, STORE_MTIME_S);
  await sleep(STILL_MS);
  return dir;
}

function scan(dir: string): Promise<ScanResult> {
  return scanSessionsFolder(dir, { settleMs: 60_000 });
}

function reused(result: ScanResult): boolean {
  assert.ok(result.store.known, `the store should be known: ${JSON.stringify(result.store)}`);
  return result.store.reused;
}

function assertLive(result: ScanResult, liveId: string, completedId: string): void {
  assert.deepEqual(readyNames(result), [`${completedId}.jsonl`]);
  assert.equal(skippedAs(result, `${liveId}.jsonl`).category, 'active');
}

function storeStats(dir: string) {
  return stat(path.join(dir, 'sessions.json'), { bigint: true });
}

describe('the parsed store, reused while unchanged', { concurrency: true }, () => {
  test('an unchanged store is parsed once, then reused with the same verdicts', async (t) => {
    const dir = await folderWithStore(t);

    const first = await scan(dir);
    const second = await scan(dir);

    assert.equal(reused(first), false);
    assert.equal(reused(second), true);
    assertLive(first, ID_A, ID_B);
    assertLive(second, ID_A, ID_B);
  });

  test('a store replaced by rename with the same size and mtime is parsed anew', async (t) => {
    const dir = await folderWithStore(t);
    await scan(dir);
    assert.equal(reused(await scan(dir)), true);
    const before = await storeStats(dir);

    // As OpenClaw saves it: a temp file renamed over the store. Now ID_B is the live one.
    const temp = path.join(dir, 'sessions.json.tmp');
    await writeFile(temp, storeText(ID_B));
    await utimes(temp, STORE_MTIME_S, STORE_MTIME_S);
    await rename(temp, path.join(dir, 'sessions.json'));
    const after = await storeStats(dir);
    const result = await scan(dir);

    assert.equal(after.size, before.size);
    assert.equal(after.mtimeNs, before.mtimeNs);
    assert.notEqual(after.ino, before.ino);
    assert.equal(reused(result), false);
    assertLive(result, ID_B, ID_A);
  });

  test('a store rewritten in place, same size, inode and mtime, is parsed anew', async (t) => {
    const dir = await folderWithStore(t);
    await scan(dir);
    assert.equal(reused(await scan(dir)), true);
    const before = await storeStats(dir);

    await writeFile(path.join(dir, 'sessions.json'), storeText(ID_B));
    await utimes(path.join(dir, 'sessions.json'), STORE_MTIME_S, STORE_MTIME_S);
    const after = await storeStats(dir);
    const result = await scan(dir);

    // Only the change time tells this rewrite apart.
    const { ino, size, mtimeNs } = before;
    assert.deepEqual([after.ino, after.size, after.mtimeNs], [ino, size, mtimeNs]);
    assert.notEqual(after.ctimeNs, before.ctimeNs);
    assert.equal(reused(result), false);
    assertLive(result, ID_B, ID_A);
  });

  test('a store removed after it was reused is missing, not remembered', async (t) => {
    const dir = await folderWithStore(t);
    await scan(dir);
    assert.equal(reused(await scan(dir)), true);

    await unlink(path.join(dir, 'sessions.json'));
    const result = await scan(dir);

    const missing = { known: false, reason: 'sessions.json not found', missing: true };
    assert.deepEqual(result.store, missing);
    assert.deepEqual(readyNames(result), []);
    assert.equal(skippedAs(result, `${ID_A}.jsonl`).category, 'store-unknown');
  });

  test('a store changed within the last 2 s is parsed on every scan', async (t) => {
    const dir = await sessionsFolder(t);
    await writeFile(path.join(dir, 'sessions.json'), storeText(ID_A));

    const first = await scan(dir);
    const second = await scan(dir);

    assert.equal(reused(first), false);
    assert.equal(reused(second), false);
  });
});

describe('UnchangedFileCache on its own', () => {
  const longAfter = Date.now() + HOUR;

  test('gives back what was remembered only while the stats match', async (t) => {
    const file = path.join(await makeTempDir(t), 'data');
    await writeFile(file, 'one');
    const cache = new UnchangedFileCache<string>();
    const before = await stat(file, { bigint: true });

    cache.remember(file, { startedMs: longAfter, before, after: before }, 'parsed one');
    await writeFile(file, 'two');
    const changed = await stat(file, { bigint: true });

    assert.equal(cache.recall(file, before), 'parsed one');
    assert.equal(cache.recall(file, changed), undefined);
    assert.equal(cache.recall(file, before), undefined, 'a mismatch forgets the entry');
  });

  test('forgets a read during which the file changed, or that began too soon after', async (t) => {
    const file = path.join(await makeTempDir(t), 'data');
    await writeFile(file, 'one');
    const cache = new UnchangedFileCache<string>();
    const before = await stat(file, { bigint: true });
    await writeFile(file, 'two');
    const after = await stat(file, { bigint: true });
    const changedMs = Number(after.ctimeNs / 1_000_000n);

    cache.remember(file, { startedMs: longAfter, before, after }, 'torn');
    assert.equal(cache.recall(file, before), undefined);
    assert.equal(cache.recall(file, after), undefined);

    cache.remember(file, { startedMs: changedMs + 1_900, before: after, after }, 'too soon');
    assert.equal(cache.recall(file, after), undefined);

    cache.remember(file, { startedMs: changedMs + 2_100, before: after, after }, 'settled');
    assert.equal(cache.recall(file, after), 'settled');
  });
});

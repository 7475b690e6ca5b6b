/**
 * A file in the sessions folder that is not named by a session id may be a misnamed transcript,
 * so a run names it at INFO; a daemon names it once, not every few minutes for months.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { KEY, sessionsDirOf, writeConfig } from '../../cli/daemon-setup.js';
import { parseLogLines } from '../../helpers/log-lines.js';
import { startLocalNexus } from '../../helpers/local-nexus.js';
import { countLines, spawnCli } from '../../helpers/spawn-cli.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

test('a daemon names a stray file at INFO on its first run only', async (t) => {
  const nexus = await startLocalNexus({ apiKey: KEY });
  t.after(() => nexus.close());
  const dir = await makeTempDir(t);
  const job = { id: 'uploads', intervalMinutes: 1 };
  const config = await writeConfig(dir, [job], { url: nexus.url });
  await writeFile(path.join(sessionsDirOf(dir, job), 'notes.jsonl'), '{"not":"a session"}\n');

  const daemon = spawnCli(t, ['--config', config, '--verbose'], {
    env: { NEXUS_WORKER_MINUTE_MS: '50' },
    secrets: [KEY],
  });
  await daemon.waitForStderr((text) => countLines(text, /Run ended after/) >= 3, 'three runs');
  daemon.child.kill('SIGTERM');
  const run = await daemon.exited();

  assert.equal(run.code, 0, run.stderr);
  const mentions = parseLogLines(run.stderr).filter((line) =>
    line.message.startsWith('Skipped: notes.jsonl ('),
  );
  assert.ok(mentions.length >= 3, run.stderr);
  assert.deepEqual(
    mentions.map((line) => line.level),
    ['INFO', ...mentions.slice(1).map(() => 'DEBUG')],
  );
});

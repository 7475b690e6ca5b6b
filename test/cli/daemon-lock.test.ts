import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { runCli } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { KEY, writeConfig } from './daemon-setup.js';

const SINCE = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d';

test('a second daemon, or --once, on the same config is refused and names the running one',
  async (t) => {
    const dir = await makeTempDir(t);
    const config = await writeConfig(dir, [{ id: 'main-sessions' }]);
    const daemon = spawnCli(t, ['--config', config], { secrets: [KEY] });
    await daemon.waitForStderr((text) => text.includes('Next check in'), 'the daemon to settle');

    const second = await runCli(['--config', config], { secrets: [KEY] });
    const once = await runCli(['--config', config, '--once'], { secrets: [KEY] });

    for (const refused of [second, once]) {
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(
        refused.stderr,
        new RegExp(
          `nexus-worker: Another nexus-worker is already running for ${config}: ` +
            `the daemon \\(pid ${daemon.pid}, since ${SINCE}\\)\\. Stop it first`,
        ),
      );
      assert.equal(refused.stdout, '');
      assert.match(refused.stderr, /^nexus-worker: Another/, 'the refusal is not the first line');
      assert.doesNotMatch(refused.stderr, /Starting Nexus Worker/);
    }

    daemon.child.kill('SIGTERM');
    assert.equal((await daemon.exited()).code, 0);
  },
);

test('a lock left by a killed daemon does not block the next one', async (t) => {
  const dir = await makeTempDir(t);
  const config = await writeConfig(dir, [{ id: 'main-sessions' }]);
  const lockFile = path.join(dir, 'state', 'locks', 'worker.lock');

  const killed = spawnCli(t, ['--config', config], { secrets: [KEY] });
  await killed.waitForStderr((text) => text.includes('Next check in'), 'the first daemon');
  killed.child.kill('SIGKILL');
  assert.equal((await killed.exited()).signal, 'SIGKILL');
  assert.equal(JSON.parse(await readFile(lockFile, 'utf8')).pid, killed.pid);

  const next = spawnCli(t, ['--config', config], { secrets: [KEY] });
  await next.waitForStderr((text) => text.includes('Next check in'), 'the second daemon');
  next.child.kill('SIGTERM');
  const run = await next.exited();

  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`Removed stale lock .*worker\\.lock of pid ${killed.pid}`));
  assert.deepEqual(await readdir(path.dirname(lockFile)), []);
});

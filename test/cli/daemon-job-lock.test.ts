import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseJobResult, runCli } from '../helpers/run-cli.js';
import { spawnCli } from '../helpers/spawn-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import {
  KEY,
  addTranscript,
  readState,
  sessionsDirOf,
  startStalledNexus,
  writeConfig,
} from './daemon-setup.js';

test('--job X while the daemon runs X exits 3; --job Y for another job goes ahead',
  async (t) => {
    const nexus = await startStalledNexus(t);
    const dir = await makeTempDir(t);
    const busy = { id: 'busy-job' };
    const other = { id: 'other-job' };
    // The stalled upload is cut off when the short grace period runs out.
    const extra = { url: nexus.url, shutdownGraceSeconds: 2 };
    const config = await writeConfig(dir, [busy, other], extra);
    await addTranscript(sessionsDirOf(dir, busy));

    const daemon = spawnCli(t, ['--config', config], { secrets: [KEY] });
    await nexus.uploadArrived;

    const same = await runCli(['--config', config, '--job', 'busy-job'], { secrets: [KEY] });
    assert.equal(same.code, 3, same.stderr);
    assert.match(
      same.stderr,
      new RegExp(`Job "busy-job" is already running in the daemon \\(pid ${daemon.pid}, since `),
    );
    assert.equal(same.stdout, '');

    const different = await runCli(['--config', config, '--job', 'other-job'], { secrets: [KEY] });
    assert.equal(different.code, 0, different.stderr);
    assert.equal(parseJobResult(different).jobId, 'other-job');
    assert.equal((await readState(dir, 'other-job')).result.success, true);

    daemon.child.kill('SIGTERM');
    assert.equal((await daemon.exited()).code, 0);
  },
);

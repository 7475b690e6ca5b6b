/**
 * Files and folders the worker may not read or write: an unreadable config, transcript, store
 * or sessions folder, an archive or state folder it cannot write. Each is reported with the
 * path and the reason, and nothing is lost: what could not be handled stays where it was.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';

import { parseLogLines } from '../../helpers/log-lines.js';
import {
  archiveName,
  newSessionId,
  transcriptText,
  writeSessionStore,
} from '../../helpers/openclaw-folder.js';
import { parseJobResult, type CliRun } from '../../helpers/run-cli.js';
import {
  JOB_ID,
  assertStoredExactly,
  folderNames,
  setUpUploadJob,
} from '../../jobs/session-upload/upload-job.js';
import { assertKeyNowhere, assertNoKeyIn } from './guard.js';
import { handOver, permissionCasesSkipReason, runCliAs } from './run-as.js';
import { localNexus, writeOwned } from './upload-case.js';

const skip = permissionCasesSkipReason();

/**
 * A session_upload job with one plain transcript, one readable archive and `blocked`, an
 * archive that `lock` may make unreadable; `run` runs the CLI as a user the bits apply to.
 */
async function permissionCase(t: TestContext) {
  const nexus = await localNexus(t);
  const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
  const [readableId, blockedId, plainId] = [newSessionId(), newSessionId(), newSessionId()];
  const readable = { name: archiveName(readableId, 'reset'), text: transcriptText(readableId) };
  const blocked = { name: archiveName(blockedId, 'deleted'), text: transcriptText(blockedId) };
  const plain = { name: `${plainId}.jsonl`, text: transcriptText(plainId) };
  for (const { name, text } of [readable, blocked, plain]) {
    await writeOwned(job.sessionsDir, name, text);
  }
  await writeSessionStore(job.sessionsDir, {});
  const configPath = path.join(job.root, 'config.json');

  const run = async (mode = ['--job', JOB_ID]): Promise<CliRun> => {
    await handOver(job.root);
    const cli = await runCliAs(['--config', configPath, ...mode], {
      cwd: job.root,
      secrets: [nexus.apiKey],
    });
    assert.equal(cli.signal, null, `the run hung:\n${cli.stderr}`);
    assertNoKeyIn(cli.stdout + cli.stderr, nexus.apiKey, 'the output');
    await assertKeyNowhere(path.join(job.root, 'state'), nexus.apiKey);
    return cli;
  };
  return { nexus, job, readable, blocked, plain, configPath, run };
}

function errorLines(cli: CliRun): string[] {
  return parseLogLines(cli.stderr)
    .filter((line) => line.level === 'ERROR' || line.level === 'WARNING')
    .map((line) => line.message);
}

describe('bad input: what the worker may not read or write', { concurrency: 4, skip }, () => {
  test('an unreadable config: exit 2 naming it, nothing run', async (t) => {
    const { job, configPath, run } = await permissionCase(t);
    await chmod(configPath, 0o000);

    const cli = await run();

    assert.equal(cli.code, 2, cli.stderr);
    assert.equal(cli.stdout, '');
    const refused = `Config file ${configPath} cannot be read: permission denied`;
    assert.ok(cli.stderr.includes(refused), cli.stderr);
    assert.deepEqual(await folderNames(job.archiveDir), []);
  });

  test('an unreadable transcript is reported by name and left; the others go', async (t) => {
    const { nexus, job, readable, blocked, plain, run } = await permissionCase(t);
    await chmod(path.join(job.sessionsDir, blocked.name), 0o000);

    const cli = await run();

    const result = parseJobResult(cli);
    assert.equal(cli.code, 1, cli.stderr);
    assert.equal(result.itemsProcessed, 2);
    assert.equal(result.errors.length, 1);
    assert.ok(result.errors[0]?.startsWith(`${blocked.name}: `), result.errors[0]);
    assert.match(result.errors[0] ?? '', /permission denied/);
    assert.ok(errorLines(cli).some((line) => line.includes(blocked.name)), cli.stderr);
    assertStoredExactly(nexus, { [readable.name]: readable.text, [plain.name]: plain.text });
    assert.ok((await readdir(job.sessionsDir)).includes(blocked.name));
  });

  test('an unreadable sessions.json: plain transcripts stay, archives go, says why', async (t) => {
    const { nexus, job, readable, blocked, plain, run } = await permissionCase(t);
    await chmod(path.join(job.sessionsDir, 'sessions.json'), 0o000);

    const cli = await run();

    const result = parseJobResult(cli);
    assert.equal(cli.code, 1, cli.stderr);
    assert.equal(result.errors.length, 1);
    const reason = /^sessions\.json: sessions\.json could not be read: .*permission denied/;
    assert.match(result.errors[0] ?? '', reason);
    assertStoredExactly(nexus, { [readable.name]: readable.text, [blocked.name]: blocked.text });
    assert.ok((await readdir(job.sessionsDir)).includes(plain.name));
  });

  test('an unreadable sessions folder fails the run, naming it and whom to run as', async (t) => {
    const { nexus, job, run } = await permissionCase(t);
    await chmod(job.sessionsDir, 0o300);

    let cli: CliRun;
    try {
      cli = await run();
    } finally {
      // Or the temp folder could not be removed when the tests do not run as root.
      await chmod(job.sessionsDir, 0o700);
    }

    const result = parseJobResult(cli);
    assert.equal(cli.code, 1, cli.stderr);
    const where = `sessions folder ${job.sessionsDir} cannot be read (permission denied)`;
    assert.ok(result.message.includes(where), result.message);
    assert.match(result.message, /run the worker as that user/);
    assert.deepEqual(nexus.sessions(), []);
    assert.equal((await readdir(job.sessionsDir)).length, 4);
  });

  test('an archive folder it cannot write: uploaded, left in place, reported', async (t) => {
    const { nexus, job, readable, blocked, plain, run } = await permissionCase(t);
    await mkdir(job.archiveDir, { mode: 0o500 });

    const cli = await run();

    const result = parseJobResult(cli);
    assert.equal(cli.code, 1, cli.stderr);
    assert.equal(result.itemsProcessed, 3);
    assert.equal(result.errors.length, 3);
    for (const error of result.errors) {
      assert.match(error, /: uploaded but not archived: .*permission denied/);
    }
    assertStoredExactly(nexus, {
      [readable.name]: readable.text,
      [blocked.name]: blocked.text,
      [plain.name]: plain.text,
    });
    assert.equal((await readdir(job.sessionsDir)).length, 4, 'a file left the sessions folder');
  });

  for (const mode of [['--job', JOB_ID], ['--once'], []]) {
    const who = mode.length === 0 ? 'the daemon' : mode.join(' ');
    test(`a state folder it cannot write: ${who} is refused before any upload`, async (t) => {
      const { nexus, job, run } = await permissionCase(t);
      const stateDir = path.join(job.root, 'state');
      await mkdir(stateDir, { mode: 0o500 });

      const cli = await run(mode);

      assert.equal(cli.code, 2, cli.stderr);
      assert.equal(cli.stdout, '');
      const line = cli.stderr.split('\n').find((text) => text.includes('permission denied'));
      assert.ok(line?.includes(stateDir), `no line names ${stateDir}:\n${cli.stderr}`);
      assert.match(line ?? '', /chown -R.*"stateDir" in .*config\.json/);
      assert.doesNotMatch(cli.stderr, /\n\s+at /, 'a stack trace instead of a message');
      assert.deepEqual(nexus.sessions(), []);
      assert.equal((await readdir(job.sessionsDir)).length, 4);
    });
  }
});

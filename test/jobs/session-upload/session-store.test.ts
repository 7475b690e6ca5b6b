/**
 * What the session store protects: transcripts its entries name, however the path was written;
 * and when it is missing, empty or damaged, which are active is unknown, so plain transcripts
 * stay, archives still go, and the result says why.
 */
import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';

import { startLocalNexus } from '../../helpers/local-nexus.js';
import {
  archiveName,
  newSessionId,
  sessionIdsFor,
  snapshotFolder,
  transcriptText,
  writeAged,
  writeSessionStore,
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
} from './upload-job.js';

/** A folder with one archive and two plain transcripts that no readable store protects. */
async function folderWithStore(t: TestContext, store: string | undefined) {
  const nexus = await startLocalNexus();
  t.after(() => nexus.close());
  const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });

  const archiveId = newSessionId();
  const archive = archiveName(archiveId, 'reset');
  const archiveText = transcriptText(archiveId, 'archived by /new');
  await writeAged(job.sessionsDir, archive, archiveText);
  const plain = [`${newSessionId()}.jsonl`, `${newSessionId()}-topic-5.jsonl`];
  for (const name of plain) {
    await writeAged(job.sessionsDir, name, transcriptText(name.slice(0, 36)));
  }
  if (store !== undefined) await writeAged(job.sessionsDir, 'sessions.json', store);

  const before = await snapshotFolder(job.sessionsDir);
  return { nexus, job, archive, archiveText, plain, before };
}

describe('session_upload reading the session store', { concurrency: 4 }, () => {
  test('no sessions.json: archives are uploaded, plain transcripts left, info only', async (t) => {
    const { nexus, job, archive, archiveText, plain, before } = await folderWithStore(t, undefined);

    const run = await job.run('--verbose');

    const note = 'plain transcripts left alone: sessions.json not found';
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 1 session for ${AGENT}; ${note}`,
      itemsProcessed: 1,
      errors: [],
    });
    assertLogged(run, 'INFO', `No session store: ${note}`);
    assert.deepEqual(logged(run, 'WARNING'), []);
    assert.deepEqual(logged(run, 'ERROR'), []);
    for (const name of plain) {
      assertLogged(
        run,
        'DEBUG',
        `Skipped: ${name} (sessions.json not found, so which transcripts are active is unknown; ` +
          'left alone)',
      );
    }
    assertStoredExactly(nexus, { [archive]: archiveText });
    assert.deepEqual(await folderNames(job.archiveDir), [archive]);
    assert.deepEqual(await snapshotFolder(job.sessionsDir), withoutNames(before, [archive]));
  });

  const unreadableStores = [
    {
      what: 'empty (0 bytes, as after a crash)',
      text: '',
      reason: 'sessions.json is empty (0 bytes)',
    },
    {
      what: 'cut off mid-write',
      text: '{"agent:main:main": {"sessionId": "103d47df-5ad4-4d86',
      reason: 'sessions.json is not valid JSON (truncated?)',
    },
  ];

  for (const { what, text, reason } of unreadableStores) {
    test(`sessions.json ${what}: archives go, plain transcripts stay, the run fails`, async (t) => {
      const { nexus, job, archive, archiveText, before } = await folderWithStore(t, text);

      const run = await job.run();

      assert.equal(run.code, 1, run.stderr);
      assert.equal(run.result.success, false);
      assert.equal(run.result.itemsProcessed, 1);
      assert.equal(run.result.errors.length, 1);
      assert.ok(
        run.result.errors[0]?.startsWith(`sessions.json: ${reason}`),
        `errors: ${JSON.stringify(run.result.errors)}`,
      );
      assert.ok(run.result.errors[0]?.endsWith('; plain transcripts left alone'));
      assert.match(run.result.message, new RegExp(`^Uploaded 1 session for ${AGENT}; `));
      assert.ok(run.result.message.includes(`plain transcripts left alone: ${reason}`));
      const warnings = logged(run, 'WARNING');
      assert.equal(warnings.length, 1, run.stderr);
      const warning = `Session store unreadable: plain transcripts left alone: ${reason}`;
      assert.ok(warnings[0]?.startsWith(warning), run.stderr);
      assertLogged(run, 'INFO', `Uploaded: ${archive}`);

      assertStoredExactly(nexus, { [archive]: archiveText });
      assert.deepEqual(await folderNames(job.archiveDir), [archive]);
      assert.deepEqual(await snapshotFolder(job.sessionsDir), withoutNames(before, [archive]));
    });
  }

  test('sessionFile paths from Windows or another host protect their transcripts', async (t) => {
    const nexus = await startLocalNexus();
    t.after(() => nexus.close());
    const job = await setUpUploadJob(t, { url: nexus.url, apiKey: nexus.apiKey });
    const dir = job.sessionsDir;
    const id = sessionIdsFor(
      'windows',
      'slash',
      'foreign',
      'relative',
      'bare',
      'padded',
      'checkpoint',
      'orphan',
    );

    const protectedNames = [
      `${id.windows}.jsonl`,
      `${id.slash}-topic-3.jsonl`,
      `${id.foreign}.jsonl`,
      `${id.relative}.jsonl`,
      `${id.bare}.jsonl`,
      `${id.padded}.jsonl`,
      `${id.checkpoint}.jsonl`,
    ];
    for (const name of protectedNames) {
      await writeAged(dir, name, transcriptText(name.slice(0, 36)));
    }
    const orphan = `${id.orphan}.jsonl`;
    const orphanText = transcriptText(id.orphan, 'nobody refers to me');
    await writeAged(dir, orphan, orphanText);
    const windowsHome = 'C:\\Users\\ada\\.openclaw\\agents\\main\\sessions';
    await writeSessionStore(dir, {
      'agent:main:main': {
        sessionId: id.windows,
        updatedAt: 1782756163129,
        sessionFile: `${windowsHome}\\${id.windows}.jsonl`,
      },
      'agent:main:discord:channel:9': {
        sessionId: id.slash,
        updatedAt: 1782756163129,
        sessionFile: `D:/openclaw/agents/main/sessions/${id.slash}-topic-3.jsonl`,
      },
      'cron:nightly-digest': {
        sessionId: id.foreign,
        updatedAt: 1782756163129,
        sessionFile: `/home/olduser/.openclaw-work/agents/main/sessions/${id.foreign}.jsonl`,
      },
      'hook:2f5c': {
        sessionId: id.relative,
        updatedAt: 1782756163129,
        sessionFile: `agents\\main\\sessions\\${id.relative}.jsonl`,
      },
      'agent:main:subagent:1': { sessionId: id.bare, updatedAt: 1782756163129 },
      'agent:main:subagent:2': {
        sessionId: id.padded,
        updatedAt: 1782756163129,
        sessionFile: `  /srv/openclaw/sessions/${id.padded}.jsonl\n`,
      },
      'agent:main:tui-1': {
        sessionId: newSessionId(),
        updatedAt: 1782756163129,
        compactionCheckpoints: [
          {
            preCompaction: {
              sessionFile: `${windowsHome}\\${id.checkpoint}.jsonl`,
            },
          },
        ],
      },
    });
    const before = await snapshotFolder(dir);

    const run = await job.run('--verbose');

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 1 session for ${AGENT}`,
      itemsProcessed: 1,
      errors: [],
    });
    assertLogged(run, 'INFO', 'Found 1 completed session');
    assertLogged(run, 'INFO', `Uploaded: ${orphan}`);
    for (const name of protectedNames) {
      assertLogged(run, 'DEBUG', `Skipped: ${name} (sessions.json refers to it: still active)`);
    }
    assertStoredExactly(nexus, { [orphan]: orphanText });
    assert.deepEqual(await folderNames(job.archiveDir), [orphan]);
    assert.deepEqual(await snapshotFolder(dir), withoutNames(before, [orphan]));
  });
});

/**
 * `sessions.json` as no well-behaved OpenClaw writes it: a FIFO, 100 MB, nested a hundred
 * thousand levels deep, with values of the wrong types, repeated keys or `__proto__`. A store
 * that can be read protects every transcript it names; one that cannot is never taken as empty.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { open, rm, symlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';

import {
  archiveName,
  newSessionId,
  sessionIdsFor,
  snapshotFolder,
  transcriptText,
  writeAged,
  HOUR,
} from '../../helpers/openclaw-folder.js';
import {
  AGENT,
  assertLogged,
  assertStoredExactly,
  folderNames,
  withoutNames,
  type JobRun,
} from '../../jobs/session-upload/upload-job.js';
import { uploadCaseWithNexus, writeOwned, type UploadCase } from './upload-case.js';

/**
 * A folder with one plain transcript the store is about (`named`), one it does not name
 * (`orphan`) and one reset archive; answers what each holds.
 */
async function placeTranscripts(job: UploadCase) {
  const id = sessionIdsFor('named', 'orphan', 'archived');
  const files = {
    named: { name: `${id.named}.jsonl`, text: transcriptText(id.named, 'live, being written') },
    orphan: { name: `${id.orphan}.jsonl`, text: transcriptText(id.orphan, 'nobody refers to me') },
    archived: {
      name: archiveName(id.archived, 'reset'),
      text: transcriptText(id.archived, 'archived by /new'),
    },
  };
  for (const { name, text } of Object.values(files)) await writeOwned(job.sessionsDir, name, text);
  return { id, files };
}

type Placed = Awaited<ReturnType<typeof placeTranscripts>>;

/** The store was read: the named transcript stays, the orphan and the archive are uploaded. */
async function assertStoreHonoured(
  run: JobRun,
  job: UploadCase,
  nexus: Parameters<typeof assertStoredExactly>[0],
  { files }: Placed,
): Promise<void> {
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.result.success, true);
  assert.equal(run.result.itemsProcessed, 2);
  assert.deepEqual(run.result.errors, []);
  assertStoredExactly(nexus, {
    [files.orphan.name]: files.orphan.text,
    [files.archived.name]: files.archived.text,
  });
  assert.deepEqual(
    await folderNames(job.archiveDir),
    [files.orphan.name, files.archived.name].sort(),
  );
  assert.ok((await folderNames(job.sessionsDir)).includes(files.named.name), 'the live file moved');
}

/** The store could not be read: only the archive goes; both plain transcripts stay. */
async function assertStoreUnknown(
  run: JobRun,
  job: UploadCase,
  nexus: Parameters<typeof assertStoredExactly>[0],
  { files }: Placed,
  reason: string,
): Promise<void> {
  assert.equal(run.code, 1, run.stderr);
  assert.equal(run.result.itemsProcessed, 1);
  assert.deepEqual(run.result.errors, [`sessions.json: ${reason}; plain transcripts left alone`]);
  assert.ok(run.result.message.endsWith(`; plain transcripts left alone: ${reason}`));
  assertLogged(run, 'WARNING', `Session store unreadable: plain transcripts left alone: ${reason}`);
  assertStoredExactly(nexus, { [files.archived.name]: files.archived.text });
  assert.deepEqual(await folderNames(job.archiveDir), [files.archived.name]);
  const left = await folderNames(job.sessionsDir);
  assert.ok(left.includes(files.named.name) && left.includes(files.orphan.name));
}

describe('bad input: the session store', { concurrency: 4 }, () => {
  test('sessions.json is a FIFO: the run does not block, plain transcripts stay', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const placed = await placeTranscripts(job);
    execFileSync('mkfifo', [path.join(job.sessionsDir, 'sessions.json')]);

    const run = await job.run();

    await assertStoreUnknown(run, job, nexus, placed, 'sessions.json is not a regular file');
  });

  test('sessions.json is a symbolic link to a store elsewhere: read through it', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const placed = await placeTranscripts(job);
    const real = path.join(job.root, 'store-elsewhere.json');
    await writeAged(job.root, 'store-elsewhere.json', JSON.stringify({
      'agent:main:main': { sessionId: placed.id.named, updatedAt: Date.now() },
    }));
    await symlink(real, path.join(job.sessionsDir, 'sessions.json'));

    const run = await job.run();

    await assertStoreHonoured(run, job, nexus, placed);
  });

  test('a 100 MB sessions.json is read in time; its last entry protects its file', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const placed = await placeTranscripts(job);
    const file = path.join(job.sessionsDir, 'sessions.json');
    await writeHugeStore(file, 100 * 1024 * 1024, placed.id.named);
    t.after(() => rm(file, { force: true }));

    const started = Date.now();
    const run = await job.run();
    const tookMs = Date.now() - started;

    await assertStoreHonoured(run, job, nexus, placed);
    assert.ok(tookMs < 25_000, `reading a 100 MB store took ${tookMs} ms`);
    await rm(file);
  });

  test('an entry nested 200,000 levels deep does not break the read', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const placed = await placeTranscripts(job);
    const depth = 200_000;
    const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    await writeOwned(job.sessionsDir, 'sessions.json', `{
      "agent:main:main": {"sessionId": "${placed.id.named}", "skillsSnapshot": ${deep}},
      "agent:main:cron:deep": {"nested": ${deep}}
    }`);

    const run = await job.run();

    await assertStoreHonoured(run, job, nexus, placed);
  });

  test('a store that is itself nested 200,000 levels deep is unknown, not empty', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const placed = await placeTranscripts(job);
    const depth = 200_000;
    await writeOwned(job.sessionsDir, 'sessions.json', `${'['.repeat(depth)}${']'.repeat(depth)}`);

    const run = await job.run();

    const reason = 'sessions.json holds an array, not an object of session entries';
    await assertStoreUnknown(run, job, nexus, placed, reason);
  });

  test('sessionFile of the wrong type: the entry still protects <sessionId>.jsonl', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const placed = await placeTranscripts(job);
    const others = sessionIdsFor('numberFile', 'objectFile', 'arrayFile', 'blankFile');
    const protectedToo = Object.values(others).map((id) => `${id}.jsonl`);
    for (const name of protectedToo) await writeOwned(job.sessionsDir, name, transcriptText(name));
    await writeOwned(job.sessionsDir, 'sessions.json', JSON.stringify({
      'agent:main:main': { sessionId: placed.id.named, sessionFile: true },
      'agent:main:a': { sessionId: others.numberFile, sessionFile: 42 },
      'agent:main:b': { sessionId: others.objectFile, sessionFile: { path: '/elsewhere/x.jsonl' } },
      'agent:main:c': { sessionId: others.arrayFile, sessionFile: [`${others.arrayFile}.jsonl`] },
      'agent:main:d': { sessionId: others.blankFile, sessionFile: ' \t\n' },
    }));
    const before = await snapshotFolder(job.sessionsDir);

    const run = await job.run();

    await assertStoreHonoured(run, job, nexus, placed);
    const taken = [placed.files.orphan.name, placed.files.archived.name];
    assert.deepEqual(await snapshotFolder(job.sessionsDir), withoutNames(before, taken));
  });

  test('number sessionIds, null entries, junk values: protect and break nothing', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const placed = await placeTranscripts(job);
    const numbered = '1234567890.jsonl';
    await writeOwned(job.sessionsDir, numbered, transcriptText('1234567890'));
    await writeOwned(job.sessionsDir, 'sessions.json', JSON.stringify({
      'agent:main:main': { sessionId: placed.id.named },
      'agent:main:numbers': { sessionId: 1234567890, updatedAt: 'yesterday' },
      'agent:main:float': { sessionId: 1e308, sessionFile: null },
      'agent:main:null': null,
      'agent:main:list': [placed.id.orphan],
      'agent:main:text': `${placed.id.orphan}.jsonl`,
      'agent:main:true': true,
    }));

    const run = await job.run('--verbose');

    await assertStoreHonoured(run, job, nexus, placed);
    assertLogged(
      run,
      'INFO',
      `Skipped: ${numbered} ("1234567890" is not a session id (UUID), so this is not OpenClaw's; ` +
        'left alone)',
    );
    assert.ok((await folderNames(job.sessionsDir)).includes(numbered));
  });

  test('a key given twice: the last one counts, as for OpenClaw reading the file', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const placed = await placeTranscripts(job);
    const replaced = newSessionId();
    const replacedName = `${replaced}.jsonl`;
    const replacedText = transcriptText(replaced, 'the entry that was written over');
    await writeOwned(job.sessionsDir, replacedName, replacedText);
    await writeOwned(job.sessionsDir, 'sessions.json', `{
      "agent:main:main": {"sessionId": "${replaced}", "updatedAt": 1},
      "agent:main:main": {"sessionId": "${placed.id.named}", "updatedAt": 2}
    }`);

    const run = await job.run();

    // OpenClaw parses its store with JSON.parse too: the first entry does not exist for it, so
    // its file is orphaned and goes; the file the surviving entry names stays.
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.itemsProcessed, 3);
    assertStoredExactly(nexus, {
      [placed.files.orphan.name]: placed.files.orphan.text,
      [placed.files.archived.name]: placed.files.archived.text,
      [replacedName]: replacedText,
    });
    assert.ok((await folderNames(job.sessionsDir)).includes(placed.files.named.name));
  });

  test('__proto__ and constructor as session keys are entries like any other', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const placed = await placeTranscripts(job);
    const other = newSessionId();
    const otherName = `${other}.jsonl`;
    await writeOwned(job.sessionsDir, otherName, transcriptText(other));
    await writeOwned(job.sessionsDir, 'sessions.json', `{
      "__proto__": {"sessionId": "${placed.id.named}", "updatedAt": 1},
      "constructor": {"sessionFile": "/home/ada/.openclaw/agents/main/sessions/${otherName}"}
    }`);

    const run = await job.run();

    await assertStoreHonoured(run, job, nexus, placed);
    const left = await folderNames(job.sessionsDir);
    assert.ok(left.includes(otherName), 'the constructor entry was ignored');
  });

  test('a sessionFile that only looks like a file\'s name does not protect it', async (t) => {
    const { nexus, job } = await uploadCaseWithNexus(t);
    const placed = await placeTranscripts(job);
    // Fullwidth ".jsonl" and a Cyrillic "а" for the real file's name: another file for OpenClaw.
    const lookalike = `${placed.id.orphan.replace(/a/g, '\u0430')}\uff0ejsonl`;
    await writeOwned(job.sessionsDir, 'sessions.json', JSON.stringify({
      'agent:main:main': { sessionId: placed.id.named },
      'agent:main:lookalike': { sessionId: newSessionId(), sessionFile: `/x/${lookalike}` },
    }));

    const run = await job.run();

    await assertStoreHonoured(run, job, nexus, placed);
    assert.equal(run.result.message, `Uploaded 2 sessions for ${AGENT}`);
  });
});

/**
 * Writes a store of about `bytes` bytes quickly: one block of entries written again and again
 * (repeated keys are harmless, the last one counts), then the entry naming `activeId` last.
 */
async function writeHugeStore(file: string, bytes: number, activeId: string): Promise<void> {
  const entries: string[] = [];
  for (let index = 0; index < 2000; index += 1) {
    const entry = {
      sessionId: newSessionId(),
      updatedAt: 1782756163129,
      sessionFile: `/home/ada/.openclaw/agents/main/sessions/${newSessionId()}.jsonl`,
      skillsSnapshot: { prompt: 'p'.repeat(300) },
    };
    entries.push(`"agent:main:subagent:${index}": ${JSON.stringify(entry)},`);
  }
  const block = Buffer.from(entries.join('\n'));

  const handle = await open(file, 'w', 0o600);
  try {
    await handle.write('{\n');
    for (let written = 0; written < bytes; written += block.length) await handle.write(block);
    await handle.write(`\n"agent:main:main": {"sessionId": "${activeId}", "updatedAt": 1}\n}\n`);
  } finally {
    await handle.close();
  }
  const hourAgo = new Date(Date.now() - HOUR);
  await utimes(file, hourAgo, hourAgo);
}

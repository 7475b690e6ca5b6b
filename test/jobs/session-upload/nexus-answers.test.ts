/**
 * The answers of the upload contract (docs/nexus-api.md) that settle a file, from a scripted
 * server: what the run does with the file, what it reports, and how many requests it makes.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';

import { sendJson, type StubHandler } from '../../helpers/stub-server.js';
import { bodyOf, jobAgainstStub, storedAnswer, type StubResponse } from './stub-nexus.js';
import {
  AGENT,
  JOB_ID,
  assertLogged,
  folderNames,
  logged,
  readLedger,
} from './upload-job.js';

describe('session_upload against answers that settle a file', { concurrency: 4 }, () => {
  test('200: the request follows the contract and the file is archived', async (t) => {
    const { stub, job, archives } = await jobAgainstStub(t, (request, response) => {
      const body = bodyOf(request);
      // The contract allows more fields than the three the worker needs.
      const extra = { path: `sessions/inbox/main/${body.sessionId}.jsonl`, bytes: 1 };
      sendJson(response, 200, { ...storedAnswer(body.sessionId), ...extra });
    }, 1);
    const [archive] = archives;
    assert.ok(archive);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 1 session for ${AGENT}`,
      itemsProcessed: 1,
      errors: [],
    });
    assert.equal(stub.requests.length, 1);
    const [request] = stub.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, '/api/sessions');
    assert.equal(request?.headers['x-functions-key'], job.apiKey);
    assert.equal(request?.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(request?.body ?? ''), {
      agentId: AGENT,
      sessionId: archive.sessionId,
      transcript: archive.text,
      fileName: archive.name,
      sha256: createHash('sha256').update(archive.text).digest('hex'),
    });
    assertLogged(run, 'INFO', `Uploaded: ${archive.name}`);
    assert.deepEqual(await folderNames(job.archiveDir), [archive.name]);
    assert.equal(await readFile(path.join(job.archiveDir, archive.name), 'utf8'), archive.text);
    assert.deepEqual(await folderNames(job.sessionsDir), ['sessions.json']);
  });

  test('409: already stored, so the file is archived with a warning', async (t) => {
    const { stub, job, archives } = await jobAgainstStub(t, (request, response) => {
      const { sessionId } = bodyOf(request);
      sendJson(response, 409, { error: 'Session already exists', sessionId });
    }, 2);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.result, {
      jobId: JOB_ID,
      success: true,
      message: `Uploaded 2 sessions for ${AGENT}`,
      itemsProcessed: 2,
      errors: [],
    });
    assert.equal(stub.requests.length, 2);
    for (const { name } of archives) {
      assertLogged(run, 'WARNING', `Already on Nexus: ${name} (archiving it)`);
    }
    assert.deepEqual(await folderNames(job.archiveDir), archives.map((a) => a.name).sort());
    assert.deepEqual(await folderNames(job.sessionsDir), ['sessions.json']);
  });

  const refusals = [
    { status: 400, error: 'sessionId must be a UUID in its 36-character text form' },
    { status: 413, error: 'transcript is 11534336 bytes of UTF-8; the limit is 10485760 bytes' },
  ];

  for (const { status, error } of refusals) {
    test(`${status}: the file is left, reported, and not sent again next run`, async (t) => {
      const { stub, job, archives } = await jobAgainstStub(t, (_request, response) => {
        sendJson(response, status, { error });
      }, 2);

      const first = await job.run();

      const reason = `Nexus refused it: HTTP ${status}: ${error}`;
      assert.equal(first.code, 1, first.stderr);
      assert.deepEqual(first.result, {
        jobId: JOB_ID,
        success: false,
        message: `Uploaded 0 sessions for ${AGENT}, 2 failed`,
        itemsProcessed: 0,
        errors: archives.map(({ name }) => `${name}: ${reason}; left in place`),
      });
      assert.equal(stub.requests.length, 2, 'a refusal of one file must not stop the others');
      for (const { name } of archives) {
        assertLogged(first, 'ERROR', `Not uploaded: ${name}: ${reason}; left in place`);
      }
      assert.deepEqual(await folderNames(job.archiveDir), []);

      const second = await job.run();

      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.result.success, true);
      assert.deepEqual(second.result.errors, []);
      assert.equal(stub.requests.length, 2, 'a refused file was sent again while unchanged');
      for (const { name } of archives) {
        assertLogged(second, 'WARNING', `Still left in place: ${name} (${reason})`);
      }
      assert.deepEqual(
        await folderNames(job.sessionsDir),
        [...archives.map((a) => a.name), 'sessions.json'].sort(),
      );
    });
  }

  const runStoppers = [
    {
      status: 401,
      answer: (response: StubResponse) => sendJson(response, 401, { error: 'bad key' }),
      reason: 'Nexus refused the API key (HTTP 401); check apiKey in the config or NEXUS_API_KEY',
    },
    {
      status: 403,
      answer: (response: StubResponse) => response.writeHead(403).end(),
      reason: 'Nexus refused the API key (HTTP 403); check apiKey in the config or NEXUS_API_KEY',
    },
    {
      status: 404,
      answer: (response: StubResponse) => response.writeHead(404).end('Not Found'),
      reason: 'Nexus answered HTTP 404 for /sessions; check that url ends with /api',
    },
  ];

  for (const { status, answer, reason } of runStoppers) {
    test(`${status}: the run stops after its first request`, async (t) => {
      const handler: StubHandler = (_request, response) => answer(response);
      const { stub, job, archives } = await jobAgainstStub(t, handler, 4);
      const [first] = archives;
      assert.ok(first);

      const run = await job.run();

      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(run.result, {
        jobId: JOB_ID,
        success: false,
        message: `Uploaded 0 sessions for ${AGENT}, 1 failed; stopped early (${reason}), ` +
          '3 left for the next run',
        itemsProcessed: 0,
        errors: [`${first.name}: ${reason}`],
      });
      assert.equal(stub.requests.length, 1);
      assertLogged(run, 'ERROR', `Upload failed: ${first.name}: ${reason}`);
      assertLogged(run, 'ERROR', `Stopping this run: ${reason}`);
      assert.deepEqual(await folderNames(job.archiveDir), []);
      assert.deepEqual(
        await folderNames(job.sessionsDir),
        [...archives.map((a) => a.name), 'sessions.json'].sort(),
      );
      // A bad key says nothing about the files: they are tried again once the key is fixed.
      assert.equal(await readLedger(job), undefined);
    });
  }

  test('401 with uploads in parallel: one request, nothing moved', async (t) => {
    const { stub, job } = await jobAgainstStub(t, (_request, response) => {
      sendJson(response, 401, { error: 'bad key' });
    }, 8, { options: { concurrency: 3 } });

    const run = await job.run();

    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.result.success, false);
    assert.equal(stub.requests.length, 1, 'the first upload goes alone, so one request tells');
    assert.equal(run.result.errors.length, stub.requests.length);
    assert.match(run.result.message, /stopped early \(Nexus refused the API key \(HTTP 401\);/);
    assert.deepEqual(await folderNames(job.archiveDir), []);
    assert.equal((await folderNames(job.sessionsDir)).length, 9);
  });

  test('a file that grows during its upload is left for the next run', async (t) => {
    const late = '{"type":"message","id":"late","note":"appended while uploading"}\n';
    let sessionsDir = '';
    const { job, archives } = await jobAgainstStub(t, async (request, response) => {
      const body = bodyOf(request);
      // OpenClaw appends a line after the worker read the file and before Nexus answered.
      await appendFile(path.join(sessionsDir, body.fileName), late);
      sendJson(response, 200, storedAnswer(body.sessionId));
    }, 1);
    sessionsDir = job.sessionsDir;
    const [archive] = archives;
    assert.ok(archive);

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.result.itemsProcessed, 1);
    const warning = `Changed while uploading: ${archive.name} (left for the next run)`;
    assertLogged(run, 'WARNING', warning);
    assert.deepEqual(logged(run, 'ERROR'), []);
    assert.deepEqual(await folderNames(job.archiveDir), []);
    const onDisk = await readFile(path.join(job.sessionsDir, archive.name), 'utf8');
    assert.equal(onDisk, archive.text + late);
  });
});

/**
 * Uploads in parallel: twelve files with `concurrency: 3` all reach the real local Nexus and
 * the archive, with never more than three requests in flight.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { startLocalNexus } from '../../helpers/local-nexus.js';
import { startStubServer } from '../../helpers/stub-server.js';
import {
  AGENT,
  JOB_ID,
  assertLogged,
  assertStoredExactly,
  folderNames,
  setUpUploadJob,
  writeArchives,
} from './upload-job.js';

const CONCURRENCY = 3;

/**
 * Holds requests until CONCURRENCY of them wait, then a moment longer so that one too many
 * would be seen, then lets them all through. A worker that sent fewer at a time still gets
 * through, after a longer pause.
 */
function requestGate() {
  let waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  let mostInFlight = 0;

  const pass = async (): Promise<void> => {
    inFlight += 1;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      clearTimeout(timer);
      timer = setTimeout(() => {
        const released = waiting;
        waiting = [];
        for (const release of released) release();
      }, waiting.length >= CONCURRENCY ? 100 : 1000);
    });
  };

  return { pass, done: () => (inFlight -= 1), mostInFlight: () => mostInFlight };
}

test('12 files with concurrency 3: all uploaded and archived, 3 at a time', async (t) => {
  const nexus = await startLocalNexus();
  t.after(() => nexus.close());
  const gate = requestGate();
  // A pass-through in front of the real local Nexus that counts requests in flight.
  const proxy = await startStubServer(async (request, response) => {
    await gate.pass();
    const answer = await fetch(`${nexus.url}${request.url.replace(/^\/api/, '')}`, {
      method: request.method,
      headers: {
        'x-functions-key': String(request.headers['x-functions-key']),
        'content-type': String(request.headers['content-type']),
      },
      body: request.body,
    });
    const body = await answer.text();
    gate.done();
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(body);
  });
  t.after(() => proxy.close());
  const job = await setUpUploadJob(t, {
    url: proxy.url,
    apiKey: nexus.apiKey,
    options: { concurrency: CONCURRENCY },
  });
  const archives = await writeArchives(job.sessionsDir, 12);

  const run = await job.run();

  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.result, {
    jobId: JOB_ID,
    success: true,
    message: `Uploaded 12 sessions for ${AGENT}`,
    itemsProcessed: 12,
    errors: [],
  });
  assertLogged(run, 'INFO', 'Archived 12 files');
  assert.equal(proxy.requests.length, 12);
  assert.equal(gate.mostInFlight(), CONCURRENCY);
  assertStoredExactly(nexus, Object.fromEntries(archives.map((a) => [a.name, a.text])));
  assert.deepEqual(await folderNames(job.archiveDir), archives.map((a) => a.name).sort());
  for (const archive of archives) {
    assert.equal(await readFile(path.join(job.archiveDir, archive.name), 'utf8'), archive.text);
  }
  assert.deepEqual(await folderNames(job.sessionsDir), ['sessions.json']);
});

/**
 * A server may answer before it has read the whole upload (a proxy's size limit, a key check in
 * front of the function) or answer with far more than any Nexus answer holds. These runs use raw
 * node:http servers, since the stub-server helper always reads the whole body first.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test, type TestContext } from 'node:test';

import { archiveName, newSessionId, writeAged } from '../../helpers/openclaw-folder.js';
import { setUpUploadJob } from './upload-job.js';

/** Big enough that the body cannot fit in the socket buffers before the answer comes back. */
const TRANSCRIPT_BYTES = 9 * 1024 * 1024;

async function listen(t: TestContext, server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}/api`;
}

async function largeArchive(sessionsDir: string): Promise<string> {
  const line = `${JSON.stringify({ type: 'message', text: 'x'.repeat(1000) })}\n`;
  const name = archiveName(newSessionId(), 'reset');
  await writeAged(sessionsDir, name, line.repeat(Math.ceil(TRANSCRIPT_BYTES / line.length)));
  return name;
}

describe('session_upload against answers that come before the body', () => {
  test('a 413 sent before the body is read ends the run, and the process', async (t) => {
    // Answers at once and keeps the connection open without reading on, as a stalled proxy does.
    const server = createServer((request, response) => {
      request.pause();
      response.writeHead(413, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'too large for this server' }));
    });
    // Idle connections stay open for two minutes, as behind many load balancers.
    server.keepAliveTimeout = 120_000;
    const url = await listen(t, server);
    const job = await setUpUploadJob(t, { url, apiKey: 'early-answer-key-1', retry: NO_RETRY });
    const name = await largeArchive(job.sessionsDir);

    const run = await job.run();

    // The CLI is killed after 60 s when it hangs: code null, signal SIGKILL.
    assert.equal(run.signal, null, `the CLI did not exit after its run:\n${run.stderr}`);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.result.errors.join('\n'), new RegExp(`${name}: Nexus refused it: HTTP 413`));
  });

  test('a 413 sent before the body is read, then a close, is taken as the 413', async (t) => {
    const server = createServer((_request, response) => {
      response.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
      response.end(JSON.stringify({ error: 'too large for this server' }));
    });
    const url = await listen(t, server);

    // Several runs: the bug is a race between the answer and the write that fails on the socket.
    const outcomes: string[] = [];
    for (let trial = 0; trial < 20; trial += 1) {
      const job = await setUpUploadJob(t, { url, apiKey: 'early-answer-key-2', retry: NO_RETRY });
      await largeArchive(job.sessionsDir);
      const run = await job.run();
      outcomes.push(run.result.errors.join('\n'));
    }

    for (const outcome of outcomes) assert.match(outcome, /Nexus refused it: HTTP 413/);
  });

  test('an endless answer is cut off long before it fills the memory', async (t) => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let written = 0;
    const server = createServer(async (request, response) => {
      await new Promise((resolve) => request.resume().on('end', resolve));
      response.writeHead(200, { 'content-type': 'application/json' });
      const pump = () => {
        for (let more = true; more && !response.destroyed; ) {
          written += chunk.length;
          more = response.write(chunk);
        }
      };
      response.on('drain', pump);
      pump();
    });
    const url = await listen(t, server);
    const job = await setUpUploadJob(t, {
      url,
      apiKey: 'early-answer-key-3',
      retry: NO_RETRY,
      requestTimeoutSeconds: 2,
    });
    await writeAged(job.sessionsDir, archiveName(newSessionId(), 'reset'), '{"a":1}\n');

    const run = await job.run();

    assert.equal(run.code, 1, run.stderr);
    // A Nexus answer is a few hundred bytes; the largest, a pending-items list, a few MiB.
    const mebibytes = Math.round(written / 1024 / 1024);
    assert.ok(mebibytes < 100, `the worker took in ${mebibytes} MiB of one answer`);
  });
});

const NO_RETRY = { retries: 0, minDelaySeconds: 0.01, maxDelaySeconds: 0.02 };

/**
 * A session_upload job whose Nexus is a scripted server (test/helpers/stub-server.ts), for the
 * answers and failures the local Nexus never gives.
 */
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';

import { startStubServer, type StubHandler } from '../../helpers/stub-server.js';
import { setUpUploadJob, writeArchives, type UploadJobSettings } from './upload-job.js';

export type StubResponse = Parameters<StubHandler>[1];

/** The JSON body the worker sends to `POST /sessions`. */
export interface SentUpload {
  agentId: string;
  sessionId: string;
  transcript: string;
  fileName: string;
  sha256: string;
}

/** A job whose Nexus is a scripted server, with `count` archives waiting (oldest first). */
export async function jobAgainstStub(
  t: TestContext,
  handler: StubHandler,
  count: number,
  settings: Partial<UploadJobSettings> = {},
) {
  const stub = await startStubServer(handler);
  t.after(() => stub.close());
  const job = await setUpUploadJob(t, {
    url: stub.url,
    apiKey: randomBytes(12).toString('hex'),
    options: { concurrency: 1 },
    ...settings,
  });
  const archives = await writeArchives(job.sessionsDir, count);
  return { stub, job, archives };
}

/** The body of a 200 from the reference server. */
export function storedAnswer(sessionId: unknown) {
  return { status: 'ok', sessionId, stored: new Date().toISOString() };
}

export function bodyOf(request: { body: string }): SentUpload {
  return JSON.parse(request.body) as SentUpload;
}

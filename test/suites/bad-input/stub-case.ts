/**
 * A session_upload case whose Nexus is a scripted server: for answers the local Nexus never
 * gives (huge, garbled, compressed, redirected), with the guard's checks after every run.
 */
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';

import { startStubServer, type StubHandler, type StubServer } from '../../helpers/stub-server.js';
import {
  writeArchives,
  type PlacedTranscript,
  type UploadJobSettings,
} from '../../jobs/session-upload/upload-job.js';
import { testKey } from './guard.js';
import { uploadCase, type UploadCase } from './upload-case.js';

export interface StubCase {
  stub: StubServer;
  job: UploadCase;
  archives: PlacedTranscript[];
}

/** `count` reset archives waiting (oldest first), uploaded one at a time to `handler`. */
export async function stubCase(
  t: TestContext,
  handler: StubHandler,
  count = 1,
  settings: Partial<UploadJobSettings> = {},
): Promise<StubCase> {
  const stub = await startStubServer(handler);
  t.after(() => stub.close());
  const job = await uploadCase(t, {
    url: stub.url,
    apiKey: testKey(),
    options: { concurrency: 1 },
    ...settings,
  });

  const archives = await writeArchives(job.sessionsDir, count);
  for (const { name } of archives) await chmod(path.join(job.sessionsDir, name), 0o600);
  return { stub, job, archives };
}

/** Nexus' answer to a stored transcript, as the reference server gives it. */
export function storedBody(requestBody: string): string {
  const { sessionId } = JSON.parse(requestBody) as { sessionId: string };
  return JSON.stringify({ status: 'ok', sessionId, stored: new Date().toISOString() });
}

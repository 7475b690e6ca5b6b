/**
 * A session_upload job for the fault suite: a sessions folder of reset archives, an archive
 * folder and a config whose url is the fault proxy.
 */

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';

import { parseLogLines, type LogLine } from '../../helpers/log-lines.js';
import {
  archiveName,
  newSessionId,
  transcriptText,
  writeAged,
  writeSessionStore,
  HOUR,
  MINUTE,
} from '../../helpers/openclaw-folder.js';
import { parseJobResult, runCli, type CliRun } from '../../helpers/run-cli.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { writeWorkerConfig } from '../../helpers/worker-config.js';
import { timed, type NetworkSettings } from './bounds.js';
import type { SeenRequest } from './fault-proxy.js';

export const AGENT = 'main';
export const JOB_ID = 'main-sessions';
export const UPLOAD = 'POST /sessions';

export interface Transcript {
  name: string;
  sessionId: string;
  text: string;
}

export interface UploadRun extends CliRun {
  result: ReturnType<typeof parseJobResult>;
  log: LogLine[];
  elapsedMs: number;
}

export interface UploadFixture {
  sessionsDir: string;
  archiveDir: string;
  /** Oldest first, the order a run takes them in. */
  transcripts: Transcript[];
  network: NetworkSettings;
  run(): Promise<UploadRun>;
}

export interface UploadFixtureSettings {
  url: string;
  apiKey: string;
  network: NetworkSettings;
  transcripts: number;
  concurrency: number;
}

export async function setUpUploads(
  t: TestContext,
  settings: UploadFixtureSettings,
): Promise<UploadFixture> {
  const root = await makeTempDir(t, 'fault-upload-');
  const sessionsDir = path.join(root, 'openclaw', 'agents', AGENT, 'sessions');
  const archiveDir = path.join(root, 'archive');
  await mkdir(sessionsDir, { recursive: true });
  const transcripts = await writeTranscripts(sessionsDir, settings.transcripts);

  const configPath = await writeWorkerConfig(root, {
    url: settings.url,
    apiKey: settings.apiKey,
    stateDir: 'state',
    ...settings.network,
    jobs: [
      {
        id: JOB_ID,
        type: 'session_upload',
        description: 'Upload completed sessions through a faulty network',
        intervalMinutes: 30,
        args: [sessionsDir, archiveDir, AGENT],
        options: { concurrency: settings.concurrency },
      },
    ],
  });

  const run = async (): Promise<UploadRun> => {
    const args = ['--config', configPath, '--job', JOB_ID, '--verbose'];
    const { value: cli, elapsedMs } = await timed(() => runCli(args, { cwd: root }));
    return { ...cli, result: parseJobResult(cli), log: parseLogLines(cli.stderr), elapsedMs };
  };
  return { sessionsDir, archiveDir, transcripts, network: settings.network, run };
}

/** Reset archives a minute apart in age, beside an empty session store. */
async function writeTranscripts(dir: string, count: number): Promise<Transcript[]> {
  const transcripts: Transcript[] = [];
  for (let index = 0; index < count; index += 1) {
    const sessionId = newSessionId();
    const name = archiveName(sessionId, 'reset');
    const text = transcriptText(sessionId, `transcript ${index + 1}`, 'through a faulty network');
    await writeAged(dir, name, text, HOUR - index * MINUTE);
    transcripts.push({ name, sessionId, text });
  }
  await writeSessionStore(dir, {});
  return transcripts;
}

/** The transcript file an upload request carried; undefined when its body was never read. */
export function fileNameOf(request: SeenRequest): string | undefined {
  if (request.body === undefined) return undefined;
  return (JSON.parse(request.body) as { fileName?: string }).fileName;
}

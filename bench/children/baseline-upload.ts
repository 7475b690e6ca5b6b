/**
 * The baseline: posts the transcripts listed in a plan file straight to Nexus at the worker's
 * concurrency, reading each file as UTF-8 text and sending the body the worker would send, with
 * the SHA-256 computed when the folder was generated. Timed from the first read to the last
 * answer, so Node's start-up is not counted here (it is in the worker's time).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { countStatus, inLanes, postSession, type LoadReport } from './post-session.js';

interface BaselinePlan {
  url: string;
  apiKey: string;
  agentId: string;
  concurrency: number;
  sessionsDir: string;
  files: { name: string; sessionId: string; sha256: string }[];
}

const plan = JSON.parse(await readFile(process.argv[2] ?? '', 'utf8')) as BaselinePlan;
const statuses: Record<string, number> = {};
let bodyBytes = 0;

const begin = performance.now();
await inLanes(plan.files.length, plan.concurrency, async (index) => {
  const file = plan.files[index] as BaselinePlan['files'][number];
  const transcript = await readFile(path.join(plan.sessionsDir, file.name), 'utf8');
  bodyBytes += Buffer.byteLength(transcript);
  const body = {
    agentId: plan.agentId,
    sessionId: file.sessionId,
    transcript,
    fileName: file.name,
    sha256: file.sha256,
  };
  countStatus(statuses, await postSession(plan, body));
});

const report: LoadReport = {
  elapsedSeconds: (performance.now() - begin) / 1000,
  requests: plan.files.length,
  bodyBytes,
  statuses,
};
process.stdout.write(`${JSON.stringify(report)}\n`);

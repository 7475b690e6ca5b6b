/**
 * Measures the local Nexus on its own: many small transcripts (about 1 KB each, every one
 * different) posted at a given concurrency. Its rate bounds what any client can reach.
 */
import { randomUUID } from 'node:crypto';

import { countStatus, inLanes, postSession, type LoadReport } from './post-session.js';

const [url = '', apiKey = '', countText = '0', concurrencyText = '4'] = process.argv.slice(2);
const count = Number(countText);
const filler = 'x'.repeat(900);
const statuses: Record<string, number> = {};
let bodyBytes = 0;

const begin = performance.now();
await inLanes(count, Number(concurrencyText), async (index) => {
  const sessionId = randomUUID();
  const transcript = `{"type":"session","id":"${sessionId}","n":${index},"pad":"${filler}"}\n`;
  bodyBytes += transcript.length;
  const body = { agentId: 'bench-small', sessionId, transcript, fileName: `${sessionId}.jsonl` };
  countStatus(statuses, await postSession({ url, apiKey }, body));
});

const report: LoadReport = {
  elapsedSeconds: (performance.now() - begin) / 1000,
  requests: count,
  bodyBytes,
  statuses,
};
process.stdout.write(`${JSON.stringify(report)}\n`);

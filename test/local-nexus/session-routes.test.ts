import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { after, before, test } from 'node:test';

import { readJsonAnswer, startLocalNexus, type TestNexus } from '../helpers/local-nexus.js';

const MIB = 1024 * 1024;

let nexus: TestNexus;
before(async () => {
  nexus = await startLocalNexus();
});
after(() => nexus.close());

let nextSession = 0;
/** A fresh session id per call, so tests do not see each other's uploads. */
function newSessionId(): string {
  nextSession += 1;
  return `1e2d3c4b-5a69-4788-9a0b-${String(nextSession).padStart(12, '0')}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

async function postRaw(body: string, contentType?: string) {
  const headers: Record<string, string> = { 'x-functions-key': nexus.apiKey };
  if (contentType !== undefined) headers['content-type'] = contentType;
  const bytes = new TextEncoder().encode(body);
  const response = await fetch(`${nexus.url}/sessions`, { method: 'POST', headers, body: bytes });
  return readJsonAnswer(response);
}

function errorOf(answer: { body: unknown }): unknown {
  return (answer.body as { error?: unknown } | undefined)?.error;
}

test('a new transcript is stored and answered with 200, bytes and version 1', async () => {
  const sessionId = newSessionId();
  const transcript = '{"type":"message","text":"grüße 👋"}\r\n{"type":"end"}\n';
  const before = Date.now();

  const answer = await nexus.send('POST', '/sessions', {
    agentId: 'main',
    sessionId,
    transcript,
    fileName: `${sessionId}.jsonl`,
    sha256: sha256(transcript).toUpperCase(),
  });

  assert.equal(answer.status, 200);
  const body = answer.body as Record<string, unknown>;
  assert.equal(body.status, 'ok');
  assert.equal(body.sessionId, sessionId);
  assert.equal(body.bytes, Buffer.byteLength(transcript, 'utf8'));
  assert.equal(body.version, 1);
  assert.ok(Date.parse(String(body.stored)) >= before - 1000, 'stored is an ISO time of now');

  const [stored] = nexus.sessionVersions('main', sessionId);
  assert.equal(stored?.transcript, transcript);
  assert.equal(stored?.sha256, sha256(transcript));
  assert.equal(stored?.fileName, `${sessionId}.jsonl`);
});

test('identical content is a 409; new content of a known session is its next version', async () => {
  const sessionId = newSessionId();
  const upload = (transcript: string, agentId = 'main') =>
    nexus.send('POST', '/sessions', { agentId, sessionId, transcript });

  const first = await upload('one\n');
  const duplicate = await upload('one\n');
  const longer = await upload('one\ntwo\n');
  const sameForOtherAgent = await upload('one\n', 'helper');

  assert.equal(first.status, 200);
  assert.equal(duplicate.status, 409);
  assert.deepEqual(duplicate.body, { error: 'Session already exists', sessionId });
  assert.equal(longer.status, 200);
  assert.equal((longer.body as { version: number }).version, 2);
  assert.equal(sameForOtherAgent.status, 200);
  assert.equal((sameForOtherAgent.body as { version: number }).version, 1);
});

test('the listings show metadata, and every version with its exact transcript', async () => {
  const sessionId = newSessionId();
  const transcripts = ['first\n', 'first\nsecond – ✓\n'];
  for (const transcript of transcripts) {
    await nexus.send('POST', '/sessions', { agentId: 'lister', sessionId, transcript });
  }

  const list = await nexus.send('GET', '/sessions?agentId=lister');
  const versions = await nexus.send('GET', `/sessions/lister/${sessionId}`);
  const unknown = await nexus.send('GET', `/sessions/lister/${newSessionId()}`);

  assert.equal(list.status, 200);
  const listed = (list.body as { sessions: Array<Record<string, unknown>> }).sessions;
  assert.deepEqual(
    listed.map((s) => [s.agentId, s.sessionId, s.version, s.bytes, s.sha256]),
    transcripts.map((t, i) => ['lister', sessionId, i + 1, Buffer.byteLength(t), sha256(t)]),
  );
  assert.ok(listed.every((s) => !('transcript' in s) && typeof s.storedAt === 'string'));

  assert.equal(versions.status, 200);
  const stored = (versions.body as { versions: Array<{ transcript: string }> }).versions;
  assert.deepEqual(stored.map((v) => v.transcript), transcripts);
  assert.equal(unknown.status, 404);
  assert.equal(typeof errorOf(unknown), 'string');
});

test('a session id in upper case is a UUID too', async () => {
  const sessionId = newSessionId().toUpperCase();
  const upload = { agentId: 'main', sessionId, transcript: '' };

  const answer = await nexus.send('POST', '/sessions', upload);

  assert.equal(answer.status, 200);
});

test('bad bodies are 400 with an error message, never a 500', async () => {
  const sessionId = newSessionId();
  const valid = { agentId: 'main', sessionId, transcript: 'text\n' };
  const badBodies: unknown[] = [
    null,
    [valid],
    'a string',
    42,
    {},
    { ...valid, agentId: undefined },
    { ...valid, agentId: '' },
    { ...valid, agentId: 7 },
    { ...valid, sessionId: undefined },
    { ...valid, sessionId: sessionId.slice(0, 35) },
    { ...valid, sessionId: `${sessionId}0` },
    { ...valid, sessionId: `{${sessionId.slice(1, 35)}}` },
    { ...valid, sessionId: sessionId.replace(/[0-9]$/, 'g') },
    { ...valid, sessionId: 12345 },
    { ...valid, transcript: undefined },
    { ...valid, transcript: 12 },
    { ...valid, transcript: ['a'] },
    { ...valid, fileName: 5 },
    { ...valid, sha256: sha256('other text') },
    { ...valid, sha256: 1 },
  ];

  for (const body of badBodies) {
    const answer = await postRaw(JSON.stringify(body), 'application/json');
    assert.equal(answer.status, 400, JSON.stringify(body));
    assert.equal(typeof errorOf(answer), 'string', JSON.stringify(body));
  }
  assert.equal(nexus.sessionVersions('main', sessionId).length, 0);
});

test('malformed JSON and an empty body are 400', async () => {
  for (const text of ['{"agentId": "main",', 'not json', '']) {
    const answer = await postRaw(text, 'application/json');

    assert.equal(answer.status, 400, JSON.stringify(text));
    assert.equal(typeof errorOf(answer), 'string');
  }
});

test('a transcript with an unpaired surrogate is refused rather than stored altered', async () => {
  const sessionId = newSessionId();
  const body = `{"agentId":"main","sessionId":"${sessionId}","transcript":"broken \\ud800 text"}`;

  const answer = await postRaw(body, 'application/json');

  assert.equal(answer.status, 400);
});

test('a body that is not declared as JSON is 415', async () => {
  const body = JSON.stringify({ agentId: 'main', sessionId: newSessionId(), transcript: 'x' });

  for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', undefined]) {
    const answer = await postRaw(body, contentType);

    assert.equal(answer.status, 415, String(contentType));
    assert.match(String(errorOf(answer)), /application\/json/);
  }
});

test('a transcript of exactly 10 MiB is stored; one byte more is 413', async () => {
  const atLimit = 'a'.repeat(10 * MIB - 1) + '\n';
  const overLimit = `${atLimit}b`;

  const stored = await nexus.send('POST', '/sessions', {
    agentId: 'big',
    sessionId: newSessionId(),
    transcript: atLimit,
  });
  const refused = await nexus.send('POST', '/sessions', {
    agentId: 'big',
    sessionId: newSessionId(),
    transcript: overLimit,
  });

  assert.equal(stored.status, 200);
  assert.equal((stored.body as { bytes: number }).bytes, 10 * MIB);
  assert.equal(refused.status, 413);
  assert.match(String(errorOf(refused)), /10485760/);
});

test('the 10 MiB limit counts UTF-8 bytes, not characters', async () => {
  // Each "é" is two bytes, so this is 5 MiB characters but 10 MiB + 2 bytes.
  const transcript = 'é'.repeat(5 * MIB + 1);

  const answer = await nexus.send('POST', '/sessions', {
    agentId: 'big',
    sessionId: newSessionId(),
    transcript,
  });

  assert.equal(answer.status, 413);
});

test('a Content-Length over 20 MiB is refused with 413 before the body is sent', async () => {
  const url = new URL(`${nexus.url}/sessions`);

  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = httpRequest(url, {
      method: 'POST',
      headers: {
        'x-functions-key': nexus.apiKey,
        'content-type': 'application/json',
        'content-length': String(20 * MIB + 1),
      },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    // Only the headers go out: the answer must come without a single body byte.
    request.flushHeaders();
  });

  assert.equal(answer.status, 413);
  assert.equal(typeof (JSON.parse(answer.body) as { error?: unknown }).error, 'string');
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { readJsonAnswer, startLocalNexus, type TestNexus } from '../helpers/local-nexus.js';

const SESSION_ID = '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';

let nexus: TestNexus;
before(async () => {
  nexus = await startLocalNexus();
});
after(() => nexus.close());

/** One request to every route that needs the key. */
const securedRequests: Array<[method: string, path: string, body?: unknown]> = [
  ['POST', '/sessions', { agentId: 'main', sessionId: SESSION_ID, transcript: 'x' }],
  ['GET', '/sessions?agentId=main'],
  ['GET', `/sessions/main/${SESSION_ID}`],
  ['POST', '/webhook/main/test', { hello: 'world' }],
  ['GET', '/webhook/pending?agentId=main'],
  ['DELETE', '/webhook/items', { ids: ['a'] }],
];

async function call(
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.headers = { ...headers, 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  return readJsonAnswer(await fetch(`${nexus.url}${path}`, init));
}

function withCode(path: string, key: string): string {
  const separator = path.includes('?') ? '&' : '?';
  return `${path}${separator}code=${encodeURIComponent(key)}`;
}

test('health answers without a key', async () => {
  const answer = await readJsonAnswer(await fetch(`${nexus.url}/health`));

  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body, { status: 'ok' });
});

test('every other route answers 401 JSON without a key, and never echoes a key', async () => {
  const wrongKey = `${nexus.apiKey}-wrong`;

  for (const [method, path, body] of securedRequests) {
    const missing = await call(method, path, body);
    const wrongHeader = await call(method, path, body, { 'x-functions-key': wrongKey });
    const wrongCode = await call(method, withCode(path, wrongKey), body);

    for (const answer of [missing, wrongHeader, wrongCode]) {
      assert.equal(answer.status, 401, `${method} ${path}`);
      assert.equal(typeof (answer.body as { error?: unknown }).error, 'string');
      const text = JSON.stringify(answer.body);
      assert.ok(!text.includes(wrongKey) && !text.includes(nexus.apiKey), 'key in the answer');
    }
  }
});

test('the key is accepted in the x-functions-key header and in ?code=', async () => {
  for (const [method, path, body] of securedRequests) {
    const byHeader = await call(method, path, body, { 'x-functions-key': nexus.apiKey });
    const byCode = await call(method, withCode(path, nexus.apiKey), body);

    assert.notEqual(byHeader.status, 401, `${method} ${path} with the header`);
    assert.notEqual(byCode.status, 401, `${method} ${path} with ?code=`);
  }
});

test('keys that differ only in length or case are refused', async () => {
  const candidates = [
    nexus.apiKey.slice(0, -1),
    `${nexus.apiKey}x`,
    nexus.apiKey.toUpperCase(),
    '',
  ];

  for (const key of candidates) {
    const answer = await call('GET', '/sessions', undefined, { 'x-functions-key': key });
    assert.equal(answer.status, 401, `key of length ${key.length}`);
  }
});

test('a ?code= given twice is not taken as the key', async () => {
  const key = encodeURIComponent(nexus.apiKey);

  const answer = await call('GET', `/sessions?code=${key}&code=${key}`, undefined);

  assert.equal(answer.status, 401);
});

import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { after, before, test } from 'node:test';

import { readPendingAnswer } from '../../../src/jobs/webhook-pull/pending-items.js';
import { AGENT_ID, listInbox, readItemFile, setUpJob } from './job-setup.js';
import { startStubNexus, type StubNexus } from './stub-nexus.js';

let stub: StubNexus;
before(async () => {
  stub = await startStubNexus('{}');
});
after(() => stub.close());

/** Each kind of malformed answer once through the CLI; the finer cases are unit tests below. */
const malformed: Array<[string, string, RegExp]> = [
  ['that is not JSON', '<html>Oops</html>', /HTTP 200 with an answer that is not JSON/],
  ['that is a list', '[]', /malformed pending list: expected an object keyed by agent id/],
  ['without the agent key', '{}', /malformed pending list: the answer has no "flickclaw" key/],
  ['not a list under the agent key', '{"flickclaw": {}}', /"flickclaw" holds an object, not a/],
];

for (const [what, body, expected] of malformed) {
  test(`a pending answer ${what} fails the run and deletes nothing`, async (t) => {
    const job = await setUpJob(t, { url: stub.url, apiKey: stub.apiKey });
    stub.pendingBody = body;
    stub.deletes = [];

    const { cli, result } = await job.run();

    assert.equal(cli.code, 1, cli.stderr);
    assert.equal(result.success, false);
    assert.match(result.message, expected);
    assert.equal(result.errors.length, 1);
    assert.deepEqual(stub.deletes, []);
    assert.deepEqual(await listInbox(job.inbox), []);
    await assert.rejects(stat(job.stateDir), { code: 'ENOENT' }, 'no ledger written');
  });
}

test('invalid items are reported and left pending while valid ones are delivered', async (t) => {
  const job = await setUpJob(t, { url: stub.url, apiKey: stub.apiKey });
  stub.deletes = [];
  stub.pendingBody = JSON.stringify({
    [AGENT_ID]: [
      { id: 'good-1', source: 'putio', receivedAt: '2026-02-06T12:00:00Z', payload: { a: 1 } },
      { id: '', source: 'putio', payload: {} },
      { source: 'putio', payload: {} },
      { id: 42, source: 'putio' },
      { id: 'no-source', payload: {} },
      { id: 'empty-source', source: '' },
      'just a string',
      null,
      { id: 'good-2', source: 'github' },
      { id: 'good-1', source: 'putio', receivedAt: '2026-02-06T12:00:00Z', payload: { a: 1 } },
    ],
  });

  const { cli, result } = await job.run();

  assert.equal(cli.code, 1, cli.stderr);
  assert.equal(result.success, false);
  assert.equal(result.itemsProcessed, 2);
  assert.equal(result.message, `Delivered 2 webhook items to ${AGENT_ID}, 7 failed`);
  assert.deepEqual(result.errors, [
    'item #2: id must be a non-empty string; left pending on Nexus',
    'item #3: id must be a non-empty string; left pending on Nexus',
    'item #4: id must be a non-empty string; left pending on Nexus',
    'item #5 "no-source": source must be a non-empty string; left pending on Nexus',
    'item #6 "empty-source": source must be a non-empty string; left pending on Nexus',
    'item #7: not an object; left pending on Nexus',
    'item #8: not an object; left pending on Nexus',
  ]);
  assert.deepEqual(await listInbox(job.inbox), ['github_good-2.json', 'putio_good-1.json']);
  assert.deepEqual(stub.deletes, [['good-1', 'good-2']]);

  const bare = await readItemFile(`${job.inbox}/github_good-2.json`);
  assert.deepEqual(bare, { id: 'good-2', source: 'github', receivedAt: null, payload: null });
});

test('readPendingAnswer keeps only id, source, receivedAt and payload of an item', () => {
  const answer = { main: [{ id: 'a', source: 's', receivedAt: 't', payload: [1], extra: true }] };

  const read = readPendingAnswer(answer, 'main');

  assert.deepEqual(read, {
    ok: true,
    listed: 1,
    items: [{ id: 'a', source: 's', receivedAt: 't', payload: [1] }],
    invalid: [],
  });
});

test('readPendingAnswer does not take an inherited property for the agent key', () => {
  const read = readPendingAnswer(JSON.parse('{}'), 'constructor');

  assert.deepEqual(read, { ok: false, reason: 'the answer has no "constructor" key' });
});

test('readPendingAnswer names what was sent instead of the expected shape', () => {
  const reasons = [null, 'main', 7, true, [], {}, { main: null }, { main: 'x' }].map((answer) => {
    const read = readPendingAnswer(answer, 'main');
    return read.ok ? 'ok' : read.reason;
  });

  assert.deepEqual(reasons, [
    'expected an object keyed by agent id, got null',
    'expected an object keyed by agent id, got a string',
    'expected an object keyed by agent id, got a number',
    'expected an object keyed by agent id, got a boolean',
    'expected an object keyed by agent id, got a list',
    'the answer has no "main" key',
    '"main" holds null, not a list of items',
    '"main" holds a string, not a list of items',
  ]);
});

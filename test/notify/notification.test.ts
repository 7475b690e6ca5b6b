import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';

import { buildNotification, shouldNotify } from '../../src/notify/notification.js';
import { configSchema, type JobConfig } from '../../src/worker/config-schema.js';
import type { JobResult } from '../../src/worker/job-result.js';

function result(overrides: Partial<JobResult> = {}): JobResult {
  return {
    jobId: 'main-sessions',
    success: true,
    message: 'Uploaded 0 sessions for main',
    itemsProcessed: 0,
    errors: [],
    ...overrides,
  };
}

const quiet = result();
const busy = result({ itemsProcessed: 2, message: 'Uploaded 2 sessions for main' });
const withErrors = result({ itemsProcessed: 1, errors: ['a.jsonl: HTTP 400'] });
const failed = result({ success: false, message: 'Job failed: boom', errors: ['boom'] });
const startedAt = new Date('2026-02-06T14:00:00.000Z');

test('"activity" (the default) notifies when items were processed, errors reported or it failed',
  () => {
    for (const policy of ['activity', undefined] as const) {
      assert.equal(shouldNotify(policy, quiet), false);
      assert.equal(shouldNotify(policy, busy), true);
      assert.equal(shouldNotify(policy, withErrors), true);
      assert.equal(shouldNotify(policy, failed), true);
      assert.equal(shouldNotify(policy, result({ success: false })), true);
    }
  },
);

test('"always" notifies after every run', () => {
  for (const run of [quiet, busy, withErrors, failed]) {
    assert.equal(shouldNotify('always', run), true);
  }
});

test('"failure" notifies only when the run failed', () => {
  assert.equal(shouldNotify('failure', quiet), false);
  assert.equal(shouldNotify('failure', busy), false);
  assert.equal(shouldNotify('failure', withErrors), false);
  assert.equal(shouldNotify('failure', failed), true);
});

/** Jobs as the config loader produces them, so args are in their parsed form. */
function jobsFromConfig(): JobConfig[] {
  const parsed = configSchema.parse({
    url: 'http://127.0.0.1:9/api',
    apiKey: 'k',
    jobs: [
      {
        id: 'main-sessions',
        type: 'session_upload',
        description: 'Upload main agent sessions',
        intervalMinutes: 60,
        notifyAgentId: 'flickclaw',
        args: ['sessions', 'sessions/archive', 'main'],
      },
      {
        id: 'inbox',
        type: 'webhook_pull',
        description: 'Deliver webhook items',
        intervalMinutes: 5,
        notifyAgentId: 'flickclaw',
        args: ['flickclaw', 'workspace-flickclaw'],
      },
      {
        id: 'silent',
        type: 'session_upload',
        description: 'No one to tell',
        intervalMinutes: 60,
        args: ['s', 's/archive', 'main'],
      },
    ],
  });
  return parsed.jobs;
}

test('the message says what happened in words and carries the whole JobResult', () => {
  const [sessions] = jobsFromConfig();
  const run = result({
    success: false,
    itemsProcessed: 3,
    message: 'Uploaded 3 sessions for main, 1 failed',
    errors: ['b.jsonl: HTTP 400: "bad" $(x)'],
  });

  const message = buildNotification({ job: sessions!, result: run, startedAt, baseDir: '/cfg' });

  assert.equal(message?.agentId, 'flickclaw');
  assert.equal(message?.idempotencyKey, 'main-sessions-2026-02-06T14:00:00.000Z');
  const lines = message?.text.split('\n') ?? [];
  assert.equal(lines[0], 'Nexus Worker job "main-sessions" (Upload main agent sessions) failed.');
  const sentence = '3 transcripts of agent "main" uploaded to Nexus, 1 failed (see errors).';
  assert.equal(lines[1], sentence);
  assert.deepEqual(JSON.parse(lines[2]!.replace(/^JobResult: /, '')), run);

  const again = buildNotification({ job: sessions!, result: run, startedAt, baseDir: '/cfg' });
  assert.equal(again?.idempotencyKey, message?.idempotencyKey, 'one run, one key');
});

test('webhook_pull names the inbox folder where the new items wait', () => {
  const [, inbox] = jobsFromConfig();
  const run = result({ jobId: 'inbox', itemsProcessed: 1, message: 'Delivered 1 item' });

  const message = buildNotification({ job: inbox!, result: run, startedAt, baseDir: '/cfg' });

  const inboxDir = path.resolve('/cfg', 'workspace-flickclaw', 'inbox/webhooks');
  const sentence = `1 new webhook item for agent "flickclaw" waits in ${inboxDir}.`;
  assert.equal(message?.text.split('\n')[1], sentence);
});

test('a job without notifyAgentId has no message', () => {
  const [, , silent] = jobsFromConfig();
  const message = buildNotification({ job: silent!, result: busy, startedAt, baseDir: '/' });
  assert.equal(message, undefined);
});

test('a run with thousands of errors is cut to a message that fits in one argument', () => {
  const [sessions] = jobsFromConfig();
  const errors = Array.from({ length: 5000 }, (_, i) => `file-${i}.jsonl: ${'x'.repeat(1000)}`);
  const run = result({ success: false, errors });

  const message = buildNotification({ job: sessions!, result: run, startedAt, baseDir: '/' });

  assert.ok((message?.text.length ?? 0) < 16_000);
  assert.match(message?.text ?? '', /lists the first 20 of 5000 errors/);
  const listed = JSON.parse(message!.text.split('\n').at(-1)!.replace(/^JobResult: /, ''));
  assert.equal(listed.errors.length, 20);
  assert.equal(listed.errors[0], `${errors[0]!.slice(0, 300)}…`);
});

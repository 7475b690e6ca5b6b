import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULT_NOTIFY_COMMAND } from '../../src/notify/notify-config.js';
import { configSchema } from '../../src/worker/config-schema.js';
import { formatPath } from '../../src/worker/load-config.js';

const job = {
  id: 'main-sessions',
  type: 'session_upload',
  description: 'Upload main sessions',
  intervalMinutes: 60,
  notifyAgentId: 'main',
  args: ['/s', '/s/archive', 'main'],
};

function parse(overrides: Record<string, unknown>, jobOverrides: Record<string, unknown> = {}) {
  return configSchema.safeParse({
    url: 'http://127.0.0.1:9/api',
    apiKey: 'k',
    jobs: [{ ...job, ...jobOverrides }],
    ...overrides,
  });
}

function problems(overrides: Record<string, unknown>, jobOverrides = {}): string[] {
  const parsed = parse(overrides, jobOverrides);
  assert.equal(parsed.success, false, 'the config was accepted');
  return parsed.error!.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
}

test('a config written for the original spec still loads, with no notify settings', () => {
  const parsed = parse({});
  assert.ok(parsed.success);
  assert.equal(parsed.data.notify, undefined);
  assert.equal(parsed.data.jobs[0]?.notifyOn, undefined);
});

test('the cli notifier defaults to openclaw agent and a 600 s timeout', () => {
  const parsed = parse({ notify: { type: 'cli' } });
  assert.ok(parsed.success);
  assert.deepEqual(parsed.data.notify, {
    type: 'cli',
    command: [...DEFAULT_NOTIFY_COMMAND],
    timeoutSeconds: 600,
  });
});

test('the http notifier needs an http(s) url and the hooks token', () => {
  const url = 'http://127.0.0.1:18789/hooks/agent';
  const parsed = parse({ notify: { type: 'http', url, token: 't' } });
  assert.ok(parsed.success);
  assert.equal(parsed.data.notify?.type === 'http' && parsed.data.notify.timeoutSeconds, 30);

  assert.deepEqual(problems({ notify: { type: 'http', url: 'ftp://x/hooks' } }), [
    'notify.url: must be an http(s) URL such as http://127.0.0.1:18789/hooks/agent',
    'notify.token: is required: OpenClaw\'s hooks.token',
  ]);
});

test('a command template must name a program and pass {message}', () => {
  assert.deepEqual(problems({ notify: { type: 'cli', command: [] } }), [
    'notify.command: must start with the program to run',
  ]);
  assert.deepEqual(problems({ notify: { type: 'cli', command: ['openclaw', 'agent'] } }), [
    'notify.command: must contain {message} in one of its elements, or the agent never sees ' +
      'the result',
  ]);
  assert.deepEqual(problems({ notify: { type: 'cli', command: 'openclaw agent {message}' } }), [
    'notify.command: must be an array of strings, one per argument',
  ]);
});

test('unknown notifier types, unknown keys and unknown policies are refused', () => {
  assert.deepEqual(problems({ notify: { type: 'mail' } }), [
    'notify.type: must be "cli" or "http"',
  ]);
  assert.match(problems({ notify: { type: 'cli', timeout: 5 } })[0] ?? '', /Unrecognized key/);
  assert.deepEqual(problems({}, { notifyOn: 'sometimes' }), [
    'jobs[0].notifyOn: must be "activity", "always" or "failure"',
  ]);
});

test('shutdownGraceSeconds must not be negative', () => {
  assert.ok(parse({ shutdownGraceSeconds: 0 }).success);
  assert.equal(problems({ shutdownGraceSeconds: -1 }).length, 1);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CommandNotifier, buildArgv } from '../../src/notify/command-notifier.js';
import { DEFAULT_NOTIFY_COMMAND } from '../../src/notify/notify-config.js';
import type { Notification } from '../../src/notify/notification.js';
import { isProcessAlive } from '../../src/worker/process-identity.js';
import { makeFakeOpenclaw } from '../helpers/fake-openclaw.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const HOSTILE_TEXT = [
  `It's "quoted" and 'single-quoted'`,
  'a $(touch /tmp/pwned) command, a `backtick` one, $HOME and ${PATH}',
  'a; rm -rf / ; echo done && exit 1 | cat > /dev/null',
  'trailing backslash \\',
  '{agentId} stays as written, and so does {message}',
].join('\n');

function notification(text: string, agentId = 'flickclaw'): Notification {
  return { jobId: 'main-sessions', agentId, text, idempotencyKey: 'main-sessions-2026' };
}

const neverAborted = new AbortController().signal;

test('buildArgv fills placeholders inside single elements, in one pass', () => {
  const template = ['notify', '--to=agent:{agentId}', '--text={message}', 'literal'];

  const argv = buildArgv(template, notification('hi {agentId} $&', 'ops'));

  assert.deepEqual(argv, ['notify', '--to=agent:ops', '--text=hi {agentId} $&', 'literal']);
});

test('the default command hands quotes, $(...), backticks, ; and newlines over as one argument',
  async (t) => {
    const dir = await makeTempDir(t);
    const fake = await makeFakeOpenclaw(dir);
    const template = [fake.path, ...DEFAULT_NOTIFY_COMMAND.slice(1)];

    await new CommandNotifier(template, 10_000).send(notification(HOSTILE_TEXT), neverAborted);

    const [call, ...others] = await fake.calls();
    assert.equal(others.length, 0);
    assert.deepEqual(call?.argv, ['agent', '--agent', 'flickclaw', '--message', HOSTILE_TEXT]);
  },
);

test('a non-zero exit is reported with its code and what the program wrote to stderr',
  async (t) => {
    const dir = await makeTempDir(t);
    const fake = await makeFakeOpenclaw(dir, { exitCode: 1, stderr: 'gateway not running\n' });

    const notifier = new CommandNotifier([fake.path, '{message}'], 10_000);

    await assert.rejects(notifier.send(notification('x'), neverAborted), {
      name: 'NotifyError',
      message: /exited with code 1: gateway not running$/,
    });
  },
);

test('a program that does not answer in time is killed and reported', async (t) => {
  const dir = await makeTempDir(t);
  const fake = await makeFakeOpenclaw(dir, { hangForAgent: 'flickclaw' });
  const notifier = new CommandNotifier([fake.path, '--agent', '{agentId}', '{message}'], 1000);
  const started = performance.now();

  // send() settles only once the program has exited, so settling at all proves the kill.
  await assert.rejects(notifier.send(notification('x'), neverAborted), {
    message: /no answer within 1s/,
  });

  assert.ok(performance.now() - started < 10_000, 'the hanging program was not waited out');
  for (const call of await fake.calls()) assert.equal(isProcessAlive(call.pid), false);
});

test('a missing program says so and names the setting to change', async () => {
  const notifier = new CommandNotifier(['nexus-worker-test-no-such-program', '{message}'], 1000);

  await assert.rejects(notifier.send(notification('x'), neverAborted), {
    message: /cannot run nexus-worker-test-no-such-program: not found on PATH .*notify\.command/,
  });
});

test('an abort stops the program in flight', async (t) => {
  const dir = await makeTempDir(t);
  const fake = await makeFakeOpenclaw(dir, { hangForAgent: 'flickclaw' });
  const notifier = new CommandNotifier([fake.path, '--agent', '{agentId}', '{message}'], 60_000);
  const stop = new AbortController();

  const sending = notifier.send(notification('x'), stop.signal);
  while ((await fake.calls()).length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  stop.abort();

  await assert.rejects(sending, { message: /shutting down/ });
});

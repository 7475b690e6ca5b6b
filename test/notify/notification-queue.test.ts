import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CommandNotifier } from '../../src/notify/command-notifier.js';
import {
  MAX_WAITING_PER_AGENT,
  NotificationQueue,
} from '../../src/notify/notification-queue.js';
import type { Notification } from '../../src/notify/notification.js';
import { createLogger } from '../../src/worker/logger.js';
import { isProcessAlive } from '../../src/worker/process-identity.js';
import { makeFakeOpenclaw, type FakeProgram } from '../helpers/fake-openclaw.js';
import { makeTempDir } from '../helpers/temp-dir.js';

function notification(agentId: string, text: string): Notification {
  return { jobId: `job-${agentId}`, agentId, text, idempotencyKey: `job-${agentId}-${text}` };
}

function queueFor(fake: FakeProgram, timeoutMs = 10_000) {
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line) });
  const notifier = new CommandNotifier([fake.path, '--agent', '{agentId}', '{message}'], timeoutMs);
  return { queue: new NotificationQueue(notifier, log), lines };
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('notifications for one agent go one at a time, in the order queued', async (t) => {
  const dir = await makeTempDir(t);
  const fake = await makeFakeOpenclaw(dir, { sleepMs: 100 });
  const { queue, lines } = queueFor(fake);

  for (const text of ['first', 'second', 'third']) queue.enqueue(notification('ops', text));
  assert.equal(queue.pending, 3);
  await queue.idle();

  const calls = await fake.calls();
  assert.deepEqual(calls.map((call) => call.argv.at(-1)), ['first', 'second', 'third']);
  assert.ok(calls.every((call) => !call.overlapped), 'two calls for one agent overlapped');
  assert.equal(queue.pending, 0);
  const sent = lines.filter((line) => line.includes('[INFO] [job-ops] Notified agent "ops"'));
  assert.equal(sent.length, 3);
});

test('an agent that does not answer holds up neither other agents nor the caller', async (t) => {
  const dir = await makeTempDir(t);
  const fake = await makeFakeOpenclaw(dir, { hangForAgent: 'slow' });
  const { queue, lines } = queueFor(fake, 30_000);

  queue.enqueue(notification('slow', 'stuck'));
  queue.enqueue(notification('quick', 'through'));

  // The slow agent's program hangs for longer than this wait: had the quick agent's message
  // been queued behind it, its call would not appear in time.
  await until(async () => (await fake.calls()).length === 2, 'both agents to be called');
  const [stuck] = (await fake.calls()).filter((call) => call.argv.includes('slow'));
  assert.ok(stuck && isProcessAlive(stuck.pid), 'the quick agent was reached while slow hung');

  queue.enqueue(notification('slow', 'dropped'));
  await queue.cancel();

  const slowCalls = (await fake.calls()).filter((call) => call.argv.includes('slow'));
  assert.equal(slowCalls.length, 1, 'the queued message after the stuck one was not started');
  const slowLines = lines.filter((line) => line.includes('Notification to agent "slow"'));
  assert.equal(slowLines.length, 2);
  assert.match(slowLines[0] ?? '', /\[ERROR\] .* failed: .*shutting down/);
  assert.match(slowLines[1] ?? '', /\[WARNING\] .* dropped: the worker is shutting down/);
});

test('a failed notification is logged with its exit code and the next one still goes out',
  async (t) => {
    const dir = await makeTempDir(t);
    const fake = await makeFakeOpenclaw(dir, { exitCode: 3, stderr: 'no such agent' });
    const { queue, lines } = queueFor(fake);

    queue.enqueue(notification('ops', 'one'));
    queue.enqueue(notification('ops', 'two'));
    await queue.idle();

    assert.equal((await fake.calls()).length, 2);
    const failures = lines.filter((line) => line.includes('[ERROR] [job-ops] Notification'));
    assert.equal(failures.length, 2);
    assert.match(failures[0] ?? '', /exited with code 3: no such agent$/);
  },
);

test('an agent far behind keeps only the newest messages waiting, said once', async (t) => {
  const dir = await makeTempDir(t);
  const fake = await makeFakeOpenclaw(dir, { sleepMs: 20 });
  const { queue, lines } = queueFor(fake);
  const texts = Array.from({ length: MAX_WAITING_PER_AGENT + 5 }, (_, n) => `run ${n}`);

  for (const text of texts) queue.enqueue(notification('ops', text));
  assert.equal(queue.pending, MAX_WAITING_PER_AGENT + 1, 'one in flight, the rest waiting');
  await queue.idle();

  // The first was already on its way; runs 1 to 4 gave way to the newest twenty.
  const sent = (await fake.calls()).map((call) => call.argv.at(-1));
  assert.deepEqual(sent, [texts[0], ...texts.slice(5)]);
  const warnings = lines.filter((line) => line.includes('[WARNING]'));
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0] ?? '', /agent "ops" are falling behind the runs/);
  assert.ok(lines.some((line) => line.includes('4 older notifications to agent "ops" dropped')));
  assert.equal(queue.pending, 0);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  webhookPullArgsSchema,
  webhookPullOptionsSchema,
} from '../../../src/jobs/webhook-pull/settings.js';
import { setUpJob } from './job-setup.js';

test('args default the inbox to inbox/webhooks', () => {
  assert.deepEqual(webhookPullArgsSchema.parse(['main', '/home/me/ws']), {
    agentId: 'main',
    workspace: '/home/me/ws',
    inboxDir: 'inbox/webhooks',
  });
  assert.equal(webhookPullArgsSchema.parse(['main', 'ws', 'drop/box']).inboxDir, 'drop/box');
  assert.equal(webhookPullArgsSchema.parse(['main', 'ws', './in..box']).inboxDir, './in..box');
});

test('an inboxDir that could leave the workspace is refused', () => {
  const refused = ['/tmp/in', '../in', 'in/../../x', 'a\\..\\b', 'C:\\in', '.', './', ''];
  for (const inboxDir of refused) {
    const parsed = webhookPullArgsSchema.safeParse(['main', 'ws', inboxDir]);
    assert.equal(parsed.success, false, `${JSON.stringify(inboxDir)} must be refused`);
    assert.deepEqual(parsed.error?.issues[0]?.path, [2]);
  }
});

test('options have defaults and refuse unknown keys', () => {
  assert.deepEqual(webhookPullOptionsSchema.parse(undefined), {
    ledgerRetentionDays: 30,
    deleteBatchSize: 100,
  });
  assert.equal(webhookPullOptionsSchema.safeParse({ deleteBatchSize: 0 }).success, false);
  assert.equal(webhookPullOptionsSchema.safeParse({ retentionDays: 5 }).success, false);
});

const unreachable = { url: 'http://127.0.0.1:9/api', apiKey: 'config-test-key' };

test('the CLI exits 2 on an inboxDir outside the workspace, naming the arg', async (t) => {
  for (const inboxDir of ['/var/inbox', '../outside']) {
    const job = await setUpJob(t, { ...unreachable, args: ['flickclaw', 'workspace', inboxDir] });

    const cli = await job.runRaw();

    assert.equal(cli.code, 2, cli.stderr);
    assert.equal(cli.stdout, '');
    assert.match(cli.stderr, /jobs\[0\]\.args\[2\]: inboxDir/);
  }
});

test('the CLI exits 2 on a wrong number of args or an unknown option', async (t) => {
  const short = await setUpJob(t, { ...unreachable, args: ['flickclaw'] });
  const shortRun = await short.runRaw();
  assert.equal(shortRun.code, 2, shortRun.stderr);
  assert.match(shortRun.stderr, /jobs\[0\]\.args: must be \[agentId, workspace\]/);

  const typo = await setUpJob(t, { ...unreachable, options: { deleteBatchSise: 5 } });
  const typoRun = await typo.runRaw();
  assert.equal(typoRun.code, 2, typoRun.stderr);
  assert.match(typoRun.stderr, /deleteBatchSise/);
});

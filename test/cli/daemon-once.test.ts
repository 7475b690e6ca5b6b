import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';

import { makeFakeOpenclaw, pathWith } from '../helpers/fake-openclaw.js';
import { startLocalNexus } from '../helpers/local-nexus.js';
import { runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { KEY, addTranscript, readState, sessionsDirOf, writeConfig } from './daemon-setup.js';

interface PrintedResult {
  jobId: string;
  success: boolean;
  message: string;
  itemsProcessed: number;
  errors: string[];
}

test('--once runs every job in config order, prints each JobResult, exits 1 if one failed',
  async (t) => {
    const dir = await makeTempDir(t);
    const jobs = [{ id: 'broken', sessionsDir: 'config.json' }, { id: 'fine' }];
    const config = await writeConfig(dir, jobs);

    const run = await runCli(['--config', config, '--once'], { secrets: [KEY] });

    assert.equal(run.code, 1, run.stderr);
    const results = JSON.parse(run.stdout) as PrintedResult[];
    assert.deepEqual(results.map((r) => [r.jobId, r.success]), [['broken', false], ['fine', true]]);
    const order = ['[broken] Running job', '[fine] Running job'].map((l) => run.stderr.indexOf(l));
    assert.ok(order[0]! >= 0 && order[0]! < order[1]!, 'jobs ran in config order');
    assert.match(run.stderr, /\[INFO\] \[scheduler\] Starting Nexus Worker\n.*Loaded 2 jobs\n/);
    assert.equal((await readState(dir, 'fine')).result.success, true);

    const good = await writeConfig(dir, [{ id: 'fine' }]);
    const again = await runCli(['--config', good, '--once'], { secrets: [KEY] });
    assert.equal(again.code, 0, again.stderr);
    assert.equal((JSON.parse(again.stdout) as PrintedResult[]).length, 1);
  },
);

test('--once notifies through `openclaw agent` as each job\'s notifyOn says', async (t) => {
  const nexus = await startLocalNexus({ apiKey: KEY });
  t.after(() => nexus.close());
  const dir = await makeTempDir(t);
  const fake = await makeFakeOpenclaw(dir);
  const jobs = [
    { id: 'uploads', notifyAgentId: 'flickclaw' },
    { id: 'quiet', notifyAgentId: 'flickclaw' },
    { id: 'every-run', notifyAgentId: 'ops', notifyOn: 'always' as const },
    { id: 'on-failure', notifyAgentId: 'ops', notifyOn: 'failure' as const },
  ];
  const config = await writeConfig(dir, jobs, { url: nexus.url });
  await addTranscript(sessionsDirOf(dir, jobs[0]!));

  const run = await runCli(['--config', config, '--once'], {
    env: { PATH: pathWith(fake.binDir) },
    secrets: [KEY],
  });

  assert.equal(run.code, 0, run.stderr);
  const calls = await fake.calls();
  const byAgent = Object.fromEntries(calls.map((call) => [call.argv[2], call.argv]));
  assert.equal(calls.length, 2, JSON.stringify(calls.map((call) => call.argv)));

  const [verb, flag, agent, messageFlag, message] = byAgent.flickclaw ?? [];
  const options = [verb, flag, agent, messageFlag];
  assert.deepEqual(options, ['agent', '--agent', 'flickclaw', '--message']);
  const lines = message?.split('\n') ?? [];
  assert.equal(lines[0], 'Nexus Worker job "uploads" (Upload the sessions of uploads) finished.');
  assert.equal(lines[1], '1 transcript of agent "main" uploaded to Nexus.');
  const printed = (JSON.parse(run.stdout) as PrintedResult[])[0];
  assert.deepEqual(JSON.parse(lines[2]!.replace(/^JobResult: /, '')), printed);

  assert.match(byAgent.ops?.[4] ?? '', /^Nexus Worker job "every-run" /);
  assert.match(run.stderr, /\[INFO\] \[uploads\] Notified agent "flickclaw"/);
  assert.ok(calls.every((call) => !call.argv.join(' ').includes(KEY)));
});

test('the http notifier posts to the hooks URL and never logs its token', async (t) => {
  const token = 'hooks-secret-4d2f';
  const bodies: unknown[] = [];
  const auth: (string | undefined)[] = [];
  const hooks = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      auth.push(request.headers.authorization);
      bodies.push(JSON.parse(text));
      response.writeHead(500).end(`bad token ${token}`);
    });
  });
  await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => hooks.close(() => resolve())));
  const url = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks/agent`;

  const dir = await makeTempDir(t);
  const job = { id: 'main-sessions', notifyAgentId: 'main', notifyOn: 'always' as const };
  const config = await writeConfig(dir, [job], { notify: { type: 'http', url, token } });
  const run = await runCli(['--config', config, '--once'], { secrets: [KEY, token] });

  assert.equal(run.code, 0, 'a failed notification does not fail the job');
  assert.deepEqual(auth, [`Bearer ${token}`]);
  const [body] = bodies as { agentId: string; deliver: boolean; idempotencyKey: string }[];
  assert.equal(body?.agentId, 'main');
  assert.equal(body?.deliver, false);
  const state = await readState(dir, 'main-sessions');
  assert.equal(body?.idempotencyKey, `main-sessions-${state.startedAt}`);
  assert.match(run.stderr, /\[ERROR\] \[main-sessions\] Notification to agent "main" failed: /);
  assert.match(run.stderr, /failed: HTTP 500: bad token \*\*\*\n/);
});

/**
 * The security promises across the worker, checked on what users run: no shell anywhere in
 * dist/, files and folders the worker creates are its owner's alone, no notification carries
 * the key even when Nexus echoes it, and the local Nexus wants its key and stays on loopback
 * unless told otherwise.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { makeFakeOpenclaw, pathWith } from '../../helpers/fake-openclaw.js';
import { startLocalNexus } from '../../helpers/local-nexus.js';
import {
  archiveName,
  newSessionId,
  transcriptText,
  writeSessionStore,
} from '../../helpers/openclaw-folder.js';
import { runCli } from '../../helpers/run-cli.js';
import { sendJson, startStubServer } from '../../helpers/stub-server.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { writeWorkerConfig } from '../../helpers/worker-config.js';
import { folderNames } from '../../jobs/session-upload/upload-job.js';
import { assertKeyNowhere, assertNoKeyIn, assertOwnerOnly, testKey, walk } from './guard.js';
import { uploadCaseWithNexus, writeOwned } from './upload-case.js';
import { webhookCase } from './webhook-case.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIST = path.join(ROOT, 'dist');
const LOCAL_NEXUS_BIN = path.join(DIST, 'local-nexus', 'main.js');

/** What may be imported from child_process: none of these starts a shell unless told to. */
const SHELL_FREE = ['spawn', 'spawnSync', 'execFile', 'execFileSync'];

const modeOf = async (file: string) => (await stat(file)).mode & 0o777;

describe('security across the worker', { concurrency: 4 }, () => {
  test('dist/ starts no shell: no shell option, no exec(Sync); spawn, execFile only', async () => {
    const files = (await walk(DIST)).filter((entry) => entry.path.endsWith('.js'));
    assert.ok(files.length > 20, 'dist/ is missing: run npm run build first');

    for (const { path: file } of files) {
      const code = await readFile(file, 'utf8');
      const where = path.relative(ROOT, file);
      assert.doesNotMatch(code, /\bshell\s*:\s*(?!false\b)[^\s,}]/, `${where} asks for a shell`);
      assert.doesNotMatch(code, /(?<![.\w$])exec(Sync)?\s*\(/, `${where} calls exec`);
      assert.doesNotMatch(code, /child_process['"]\)?\s*\.\s*exec(Sync)?\b/, `${where} uses exec`);
      const imports = /import\s*\{([^}]*)\}\s*from\s*['"](?:node:)?child_process['"]/g;
      const mentions = code.match(/child_process/g)?.length ?? 0;
      const statics = [...code.matchAll(imports)];
      assert.equal(mentions, statics.length, `${where} reaches child_process another way`);
      for (const [, list = ''] of statics) {
        const names = list.split(',').map((name) => name.trim().split(/\s+as\s+/)[0] ?? '');
        for (const name of names.filter(Boolean)) {
          assert.ok(SHELL_FREE.includes(name), `${where} imports ${name} from child_process`);
        }
      }
    }
  });

  test('session_upload: state, archive owner-only; archives keep the source mode', async (t) => {
    const { job } = await uploadCaseWithNexus(t);
    const [ownerOnly, readable] = [newSessionId(), newSessionId()];
    const names = [archiveName(ownerOnly, 'reset'), archiveName(readable, 'deleted')];
    await writeOwned(job.sessionsDir, names[0] ?? '', transcriptText(ownerOnly));
    await writeOwned(job.sessionsDir, names[1] ?? '', transcriptText(readable));
    // A file someone made readable by others: the move keeps its inode, so keeps its mode.
    await chmod(path.join(job.sessionsDir, names[1] ?? ''), 0o644);
    await writeSessionStore(job.sessionsDir, {});

    const run = await job.run();

    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(await folderNames(job.archiveDir), [...names].sort());
    assert.equal(await modeOf(job.archiveDir), 0o700, 'the archive folder the worker made');
    assert.equal(await modeOf(path.join(job.archiveDir, names[0] ?? '')), 0o600);
    assert.equal(await modeOf(path.join(job.archiveDir, names[1] ?? '')), 0o644);
    await assertOwnerOnly(job.stateDir);
    assert.ok((await walk(job.stateDir)).some((entry) => entry.path.endsWith('.json')));
  });

  test('webhook_pull: inbox files 0600 even in an inbox folder someone made 0755', async (t) => {
    const nexus = await startLocalNexus({ apiKey: testKey() });
    t.after(() => nexus.close());
    const job = await webhookCase(t, { url: nexus.url, apiKey: nexus.apiKey });
    await nexus.addWebhookItem('flickclaw', 'putio', { n: 1 });
    const preMade = path.join(job.root, 'workspace', 'inbox', 'webhooks');

    const first = await job.run();
    assert.equal(first.cli.code, 0, first.cli.stderr);
    await chmod(preMade, 0o755);
    await nexus.addWebhookItem('flickclaw', 'putio', { n: 2 });
    // The guard's owner-only check of the inbox would now fail on the folder: look at files.
    const second = await runAgain(job);

    assert.equal(second, 0);
    const files = (await walk(preMade)).filter((entry) => entry.kind === 'file');
    assert.equal(files.length, 2);
    for (const file of files) assert.equal(file.mode, 0o600, file.path);
    assert.equal(await modeOf(preMade), 0o755, 'the worker changed a folder it did not make');
  });

  test('notifications never carry the key, even when Nexus echoes it in an error', async (t) => {
    const dir = await makeTempDir(t, 'bad-input-notify-');
    const key = testKey();
    const stub = await startStubServer((request, response) => {
      const echoed = String(request.headers['x-functions-key']);
      sendJson(response, 400, { error: `refused; you sent x-functions-key=${echoed}` });
    });
    t.after(() => stub.close());
    const fake = await makeFakeOpenclaw(dir);
    const sessionsDir = path.join(dir, 'sessions');
    await mkdir(sessionsDir);
    const id = newSessionId();
    await writeOwned(sessionsDir, archiveName(id, 'reset'), transcriptText(id));
    await writeSessionStore(sessionsDir, {});
    const config = await writeWorkerConfig(dir, {
      url: stub.url,
      apiKey: key,
      stateDir: 'state',
      retry: { retries: 0 },
      jobs: [
        {
          id: 'uploads',
          type: 'session_upload',
          description: 'Upload main sessions',
          intervalMinutes: 60,
          notifyAgentId: 'flickclaw',
          notifyOn: 'always',
          args: ['sessions', 'archive', 'main'],
        },
      ],
    });

    const run = await runCli(['--config', config, '--once'], {
      env: { PATH: pathWith(fake.binDir) },
      secrets: [key],
    });

    assert.equal(run.code, 1, run.stderr);
    assert.equal(stub.requests.length, 1);
    assert.equal(stub.requests[0]?.headers['x-functions-key'], key);
    assert.ok(!stub.requests[0]?.url.includes(key) && !stub.requests[0]?.body.includes(key));
    const calls = await fake.calls();
    assert.equal(calls.length, 1, run.stderr);
    const message = calls[0]?.argv.join('\n') ?? '';
    assert.match(message, /x-functions-key=\*\*\*/, 'the echoed key is shown masked');
    assertNoKeyIn(message, key, 'the notification');
    assertNoKeyIn(run.stdout + run.stderr, key, 'the output');
    await assertKeyNowhere(path.join(dir, 'state'), key);
  });

  test('nexus-local: loopback by default, 401 without the key, key never printed', async (t) => {
    const dataDir = await makeTempDir(t, 'bad-input-nexus-local-');
    const key = testKey();
    const bin = startLocalNexusBin(['--port', '0', '--data-dir', dataDir], key);
    t.after(() => bin.stop());

    const url = await bin.url;

    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/api$/);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    const guarded = ['/webhook/pending?agentId=main', '/sessions?agentId=main'];
    for (const route of guarded) {
      assert.equal((await fetch(`${url}${route}`)).status, 401, `${route} without a key`);
      const wrong = { headers: { 'x-functions-key': `${key}x` } };
      assert.equal((await fetch(`${url}${route}`, wrong)).status, 401, `${route}, wrong key`);
      assert.equal((await fetch(`${url}${route}&code=${key.slice(0, -1)}`)).status, 401);
      const right = { headers: { 'x-functions-key': key } };
      assert.equal((await fetch(`${url}${route}`, right)).status, 200, `${route} with the key`);
    }
    const ended = await bin.stop();
    assertNoKeyIn(ended.stdout + ended.stderr, key, 'the output of nexus-local');
  });

  test('nexus-local binds beyond loopback only when asked, and then says so', async (t) => {
    const dataDir = await makeTempDir(t, 'bad-input-nexus-local-');
    const key = testKey();
    const args = ['--port', '0', '--host', '0.0.0.0', '--data-dir', dataDir];
    const bin = startLocalNexusBin(args, key);
    t.after(() => bin.stop());

    const url = await bin.url;
    const warning = /\[WARNING\] .*listening on 0\.0\.0\.0: other machines can reach this server/;
    const stderr = await bin.stderrMatching(warning);
    await bin.stop();

    assert.match(url, /^http:\/\/0\.0\.0\.0:\d+\/api$/);
    assert.match(stderr, warning);
  });
});

/** The webhook job once more, outside the guard (its inbox folder was opened up on purpose). */
async function runAgain(job: { root: string }): Promise<number | null> {
  const config = path.join(job.root, 'config.json');
  const run = await runCli(['--config', config, '--job', 'webhooks'], { cwd: job.root });
  return run.code;
}

interface LocalNexusBin {
  url: Promise<string>;
  /** Its stderr once `pattern` shows in it, or all of it after five seconds. */
  stderrMatching(pattern: RegExp): Promise<string>;
  stop(): Promise<{ stdout: string; stderr: string }>;
}

/** Runs the built `nexus-local` with the key in its environment, as users are told to. */
function startLocalNexusBin(args: string[], key: string): LocalNexusBin {
  const child = spawn(process.execPath, [LOCAL_NEXUS_BIN, ...args], {
    env: { ...process.env, NEXUS_API_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 20_000);

  const url = new Promise<string>((resolve, reject) => {
    const look = () => {
      const match = /^nexus-local listening on (\S+) /m.exec(output.stdout);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', look);
    void closed.then(() => reject(new Error(`nexus-local exited first: ${output.stderr}`)));
  });
  url.catch(() => undefined);

  const stderrMatching = async (pattern: RegExp) => {
    for (let waited = 0; waited < 5000 && !pattern.test(output.stderr); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return output.stderr;
  };

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await closed;
    clearTimeout(killTimer);
    return output;
  };
  return { url, stderrMatching, stop };
}

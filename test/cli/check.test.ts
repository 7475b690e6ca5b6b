import assert from 'node:assert/strict';
import { chmod, chown, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { makeFakeOpenclaw, pathWith } from '../helpers/fake-openclaw.js';
import { startLocalNexus } from '../helpers/local-nexus.js';
import { runCli, type CliRun } from '../helpers/run-cli.js';
import { startStubServer, unusedPort } from '../helpers/stub-server.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { OPS_KEY, SESSIONS_JOB, WEBHOOK_AGENT, WEBHOOK_JOB, writeOpsConfig } from './ops-setup.js';

const isRoot = process.getuid?.() === 0;
const FIX_OWNER = 'run the worker as one user, and give the folder to that user (chown -R)';

function willCreateIn(parent: string): string {
  return `the worker will create it in ${parent}`;
}

/** The checklist lines (`ok`, `warn`, `FAIL`), as [outcome, subject, text]. */
function checklist(run: CliRun): [string, string, string][] {
  return run.stdout
    .split('\n')
    .map((line) => /^(ok|warn|FAIL) +(\S+(?: key)?) {2,}(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => [match[1] ?? '', match[2] ?? '', match[3] ?? '']);
}

function linesAbout(run: CliRun, subject: string): [string, string][] {
  return checklist(run)
    .filter(([, about]) => about === subject)
    .map(([outcome, , text]) => [outcome, text]);
}

test('a working setup passes every check, and check changes nothing', async (t) => {
  const nexus = await startLocalNexus({ apiKey: OPS_KEY });
  t.after(() => nexus.close());
  await nexus.addWebhookItem(WEBHOOK_AGENT, 'putio', { transfer: 1 });
  const dir = await makeTempDir(t);
  const fake = await makeFakeOpenclaw(dir);
  const folders = await writeOpsConfig(dir, {
    url: nexus.url,
    sessionJob: { notifyAgentId: 'main' },
  });

  const run = await runCli(['check', '--config', folders.config], {
    env: { PATH: pathWith(fake.binDir) },
  });

  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(checklist(run), [
    ['ok', 'config', `${folders.config} is valid (2 jobs)`],
    ['ok', 'nexus', `${nexus.url} answers`],
    [
      'ok',
      'api key',
      `accepted: GET /webhook/pending?agentId=${WEBHOOK_AGENT} answered 200 (nothing was changed)`,
    ],
    ['ok', 'state', `state folder ${folders.stateDir} does not exist yet; ${willCreateIn(dir)}`],
    ['ok', SESSIONS_JOB, `sessions folder ${folders.sessionsDir} is readable and writable`],
    [
      'ok',
      SESSIONS_JOB,
      `archive folder ${folders.archiveDir} does not exist yet; ` +
        willCreateIn(folders.sessionsDir),
    ],
    ['ok', WEBHOOK_JOB, `workspace ${folders.workspace} exists`],
    [
      'ok',
      WEBHOOK_JOB,
      `inbox ${folders.inbox} does not exist yet; ${willCreateIn(folders.workspace)}`,
    ],
    ['ok', 'notifier', `openclaw is ${fake.path} (for ${SESSIONS_JOB})`],
  ]);
  assert.match(run.stdout, /\n\nAll 9 checks passed\.\n$/);

  assert.deepEqual(await fake.calls(), [], 'the notifier program was not run');
  assert.equal(nexus.pendingItems(WEBHOOK_AGENT).length, 1, 'the pending item is still there');
  for (const folder of [folders.stateDir, folders.archiveDir, path.dirname(folders.inbox)]) {
    await assert.rejects(stat(folder), { code: 'ENOENT' }, `${folder} was not created`);
  }
});

test('a refused key, a wrong url and an unreachable Nexus each fail with what to do', async (t) => {
  const nexus = await startLocalNexus({ apiKey: OPS_KEY });
  t.after(() => nexus.close());
  const port = await unusedPort();
  const configs = await Promise.all(
    [nexus.url, nexus.url.replace(/\/api$/, ''), `http://127.0.0.1:${port}/api`].map(
      async (url) => (await writeOpsConfig(await makeTempDir(t), { url })).config,
    ),
  );

  const [refused, wrongUrl, unreachable] = await Promise.all([
    runCli(['check', '--config', configs[0]!], { env: { NEXUS_API_KEY: 'not-the-key-93be' } }),
    runCli(['check', '--config', configs[1]!]),
    runCli(['check', '--config', configs[2]!]),
  ]);

  for (const [run, checks] of [[refused, 8], [wrongUrl, 7], [unreachable, 7]] as const) {
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`\\n\\n1 of ${checks} checks failed\\.\\n$`));
  }
  assert.deepEqual(linesAbout(refused, 'nexus'), [['ok', `${nexus.url} answers`]]);
  assert.deepEqual(linesAbout(refused, 'api key'), [
    [
      'FAIL',
      `refused: GET /webhook/pending?agentId=${WEBHOOK_AGENT} answered HTTP 401; check apiKey ` +
        'in the config, or NEXUS_API_KEY, or the nexus-api-key credential',
    ],
  ]);
  assert.match(
    linesAbout(wrongUrl, 'nexus')[0]?.[1] ?? '',
    /answered HTTP 404 to GET \/webhook\/pending\?agentId=flickclaw: url is not the Nexus API; it /,
  );
  assert.match(
    linesAbout(unreachable, 'nexus')[0]?.[1] ?? '',
    new RegExp(`^no usable answer from http://127\\.0\\.0\\.1:${port}/api: .*ECONNREFUSED.*` +
      'check url, the network, and whether Nexus is up \\(the API key was not checked\\)$'),
  );
  for (const run of [wrongUrl, unreachable]) assert.deepEqual(linesAbout(run, 'api key'), []);
});

test('missing or unusable folders fail, each naming the job and what to fix', async (t) => {
  const dir = await makeTempDir(t);
  const nexus = await startLocalNexus({ apiKey: OPS_KEY });
  t.after(() => nexus.close());
  const folders = await writeOpsConfig(dir, {
    url: nexus.url,
    sessionJob: { args: ['gone', 'archive', 'main'] },
    webhookJob: { args: [WEBHOOK_AGENT, 'no-workspace'] },
    extra: { stateDir: 'config.json' },
  });

  const run = await runCli(['check', '--config', folders.config]);

  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.deepEqual(linesAbout(run, SESSIONS_JOB), [
    [
      'FAIL',
      `sessions folder ${path.join(dir, 'gone')} not found: fix args[0] of job "main-sessions"`,
    ],
    ['ok', `archive folder ${path.join(dir, 'archive')} does not exist yet; ${willCreateIn(dir)}`],
  ]);
  assert.deepEqual(linesAbout(run, WEBHOOK_JOB), [
    [
      'FAIL',
      `workspace ${path.join(dir, 'no-workspace')} not found: fix args[1] of job "inbox", ` +
        'or start the agent once so OpenClaw creates it',
    ],
  ]);
  assert.deepEqual(linesAbout(run, 'state'), [
    ['FAIL', `state folder ${folders.config} is not a folder: fix stateDir in the config`],
  ]);
  assert.match(run.stdout, /\n\n3 of 7 checks failed\.\n$/);
});

test('folders this user may not write in fail, naming the folder that is in the way',
  { skip: isRoot && 'root may write anywhere' },
  async (t) => {
    const nexus = await startLocalNexus({ apiKey: OPS_KEY });
    t.after(() => nexus.close());
    const dir = await makeTempDir(t);
    const folders = await writeOpsConfig(dir, { url: nexus.url });
    await mkdir(path.join(folders.stateDir, 'runs'), { recursive: true });
    await chmod(path.join(folders.stateDir, 'runs'), 0o500);
    await chmod(folders.workspace, 0o500);
    await chmod(folders.sessionsDir, 0o500);
    // These folders stay empty, so the temp folder is removed at the end whatever their mode.

    const run = await runCli(['check', '--config', folders.config]);

    assert.equal(run.code, 1, run.stdout + run.stderr);
    const uid = process.getuid?.();
    const me = `this user (uid ${uid})`;
    assert.deepEqual(linesAbout(run, 'state'), [
      [
        'FAIL',
        `state folder ${folders.stateDir}/runs is not readable and writable by ${me}: ${FIX_OWNER}`,
      ],
    ]);
    assert.deepEqual(linesAbout(run, SESSIONS_JOB), [
      [
        'FAIL',
        `sessions folder ${folders.sessionsDir} is not readable and writable by ${me}: ` +
          'run the worker as the user OpenClaw runs as',
      ],
      [
        'FAIL',
        `archive folder ${folders.archiveDir} does not exist and cannot be made: ` +
          `${folders.sessionsDir} is not writable by ${me}: ${FIX_OWNER}`,
      ],
    ]);
    assert.deepEqual(linesAbout(run, WEBHOOK_JOB)[1]?.[0], 'FAIL');
  },
);

test('a sessions folder of another user is a warning when root can still use it',
  { skip: !isRoot && 'only root can give a folder to another user' },
  async (t) => {
    const nexus = await startLocalNexus({ apiKey: OPS_KEY });
    t.after(() => nexus.close());
    const folders = await writeOpsConfig(await makeTempDir(t), { url: nexus.url });
    await chown(folders.sessionsDir, 65534, 65534);

    const run = await runCli(['check', '--config', folders.config]);

    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(linesAbout(run, SESSIONS_JOB)[1], [
      'warn',
      `sessions folder ${folders.sessionsDir} belongs to uid 65534, but the check runs as this ` +
        'user (uid 0): run the worker as the user OpenClaw runs as (its files are 0600)',
    ]);
    assert.match(run.stdout, /\n\nAll 9 checks passed; 1 warning\.\n$/);
  },
);

test('the notifier: a program missing from PATH fails; a hooks URL is only looked at',
  async (t) => {
    const nexus = await startLocalNexus({ apiKey: OPS_KEY });
    t.after(() => nexus.close());
    const hooks = await startStubServer((request, response) => {
      response.writeHead(request.url === '/hooks/agent' ? 405 : 404);
      response.end();
    });
    t.after(() => hooks.close());
    const hooksUrl = hooks.url.replace(/\/api$/, '/hooks/agent');
    const token = 'hooks-token-5c2e81';
    const notifying = { notifyAgentId: 'main' };
    const setups = [
      { sessionJob: notifying },
      { sessionJob: notifying, extra: { notify: { type: 'http', url: hooksUrl, token } } },
      { sessionJob: notifying, extra: { notify: { type: 'http', url: `${hooksUrl}x`, token } } },
      { extra: { notify: { type: 'cli', command: ['/no/such/program', '{message}'] } } },
    ];
    const configs = await Promise.all(
      setups.map(async (setup) => {
        const dir = await makeTempDir(t);
        return (await writeOpsConfig(dir, { url: nexus.url, ...setup })).config;
      }),
    );
    const emptyBin = await makeTempDir(t);

    const [missing, answers, notFound, nobodyNotified] = await Promise.all(
      configs.map((config) => runCli(['check', '--config', config], { env: { PATH: emptyBin } })),
    );

    assert.equal(missing?.code, 1);
    assert.deepEqual(linesAbout(missing!, 'notifier'), [
      [
        'FAIL',
        'openclaw not found on PATH: install OpenClaw, or put its full path in notify.command ' +
          "(a service's PATH may differ from your shell's)",
      ],
    ]);
    assert.equal(answers?.code, 0, answers?.stdout);
    assert.deepEqual(linesAbout(answers!, 'notifier'), [
      ['ok', `${hooksUrl} answers (HTTP 405 to a GET; nothing was sent) (for ${SESSIONS_JOB})`],
    ]);
    assert.equal(notFound?.code, 0, notFound?.stdout);
    const [outcome, text] = linesAbout(notFound!, 'notifier')[0] ?? [];
    assert.equal(outcome, 'warn');
    assert.match(text ?? '', / answered HTTP 404 to a GET: check that OpenClaw has hooks\.enabled/);
    assert.deepEqual(linesAbout(nobodyNotified!, 'notifier'), [], 'no job notifies: not checked');

    assert.deepEqual(
      hooks.requests.map(({ method, body, headers }) => [method, body, headers.authorization]),
      [
        ['GET', '', undefined],
        ['GET', '', undefined],
      ],
      'only looked at, without the token',
    );
  },
);

test('a config that does not load is the failed check, with exit status 2', async (t) => {
  const dir = await makeTempDir(t);
  const file = path.join(dir, 'config.json');
  await writeFile(file, JSON.stringify({ url: 'ftp://nexus', apiKey: OPS_KEY, jobs: [] }));

  const run = await runCli(['check', '--config', file]);

  assert.equal(run.code, 2, run.stderr);
  assert.equal(
    run.stdout,
    `FAIL  config  Config file ${file} is invalid:\n` +
      `${' '.repeat(16)}- url: must be an http(s) URL such as ` +
      'https://example.azurewebsites.net/api\n' +
      `${' '.repeat(16)}- jobs: must list at least one job\n` +
      '\nNothing else was checked: fix the config first.\n',
  );
});

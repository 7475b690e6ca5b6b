import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { test } from 'node:test';

import { jobProgress, ProgressLine } from '../../src/cli/progress-line.js';
import { startLocalNexus } from '../helpers/local-nexus.js';
import { CLI_PATH, parseJobResult, runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { addTranscript } from './daemon-setup.js';
import { OPS_KEY, SESSIONS_JOB, WEBHOOK_AGENT, WEBHOOK_JOB, writeOpsConfig } from './ops-setup.js';

const ERASE = '\r\x1b[K';
const LOG_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d \[(DEBUG|INFO|WARNING|ERROR)\] \[[^\]]+\] /;
const hasScript = spawnSync('script', ['--version']).status === 0;

test('the progress line is redrawn in place, and a log line never shares its line', () => {
  const writes: string[] = [];
  const line = new ProgressLine({ write: (text: string) => writes.push(text), columns: 80 });
  const progress = jobProgress(line, 'inbox', 'webhook_pull');

  line.writeLine('before any progress');
  progress(1, 3);
  line.writeLine('a log line');
  progress(2, 3);
  line.clear();
  line.clear();

  const shown = (done: number) => `${ERASE}inbox: delivering webhook items, ${done} of 3 done`;
  assert.deepEqual(writes, [
    'before any progress\n',
    shown(1),
    ERASE,
    'a log line\n',
    shown(1),
    shown(2),
    ERASE,
  ]);
});

test('a progress line wider than the terminal is cut, so it never wraps', () => {
  const writes: string[] = [];
  const line = new ProgressLine({ write: (text: string) => writes.push(text), columns: 20 });

  jobProgress(line, 'main-sessions', 'session_upload')(7, 10);

  assert.deepEqual(writes, [`${ERASE}main-sessions: upl…`]);
});

/** Runs the CLI with a pseudo-terminal as its stdout and stderr; answers all it printed. */
async function runOnTerminal(args: string[]): Promise<{ code: number | null; output: string }> {
  const quote = (arg: string) => `'${arg.replace(/'/g, "'\\''")}'`;
  const command = [process.execPath, CLI_PATH, ...args].map(quote).join(' ');
  const env = { ...process.env, NEXUS_API_KEY: undefined };
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'inherit'],
  });

  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  // The terminal turns each newline into CR LF.
  return { code, output: output.replace(/\r\n/g, '\n') };
}

/** What the terminal shows once every line has been drawn: each row's text after its last CR. */
function screenOf(output: string): string[] {
  const rows = output.split('\n');
  return rows.map((row) => row.slice(row.lastIndexOf('\r') + 1).replaceAll('\x1b[K', ''));
}

test('on a terminal, --job counts its files and items on one line that is gone at the end',
  { skip: !hasScript && 'script (util-linux) is not installed' },
  async (t) => {
    const nexus = await startLocalNexus({ apiKey: OPS_KEY });
    t.after(() => nexus.close());
    const folders = await writeOpsConfig(await makeTempDir(t), { url: nexus.url });
    for (let count = 0; count < 3; count += 1) await addTranscript(folders.sessionsDir);
    for (const n of [1, 2]) await nexus.addWebhookItem(WEBHOOK_AGENT, 'putio', { n });

    const uploads = await runOnTerminal(['--job', SESSIONS_JOB, '--config', folders.config]);
    const deliveries = await runOnTerminal(['--job', WEBHOOK_JOB, '--config', folders.config]);

    const runs = [
      { run: uploads, work: 'main-sessions: uploading transcripts', total: 3 },
      { run: deliveries, work: 'inbox: delivering webhook items', total: 2 },
    ];
    for (const { run, work, total } of runs) {
      assert.equal(run.code, 0, run.output);
      assert.ok(!run.output.includes(OPS_KEY));
      for (let done = 1; done <= total; done += 1) {
        assert.ok(run.output.includes(`${ERASE}${work}, ${done} of ${total} done`), run.output);
      }

      const screen = screenOf(run.output);
      const jsonStart = screen.indexOf('{');
      assert.ok(jsonStart > 0, `the JobResult starts on a cleared line:\n${run.output}`);
      const logRows = screen.slice(0, jsonStart);
      assert.ok(logRows.every((row) => LOG_LINE.test(row)), `rows:\n${logRows.join('\n')}`);
      const result = JSON.parse(screen.slice(jsonStart).join('\n')) as { itemsProcessed: number };
      assert.equal(result.itemsProcessed, total);
    }
  },
);

test('without a terminal there is no progress line, only log lines', async (t) => {
  const nexus = await startLocalNexus({ apiKey: OPS_KEY });
  t.after(() => nexus.close());
  const folders = await writeOpsConfig(await makeTempDir(t), { url: nexus.url });
  for (let count = 0; count < 2; count += 1) await addTranscript(folders.sessionsDir);

  const run = await runCli(['--job', SESSIONS_JOB, '--config', folders.config]);

  assert.equal(run.code, 0, run.stderr);
  assert.equal(parseJobResult(run).itemsProcessed, 2);
  const printed = run.stderr + run.stdout;
  assert.ok(!printed.includes('\r') && !printed.includes('\x1b'), 'no CR, no escape sequence');
  const lines = run.stderr.trimEnd().split('\n');
  assert.ok(lines.every((line) => LOG_LINE.test(line)), run.stderr);
});

#!/usr/bin/env node
import { readFileSync } from 'node:fs';

import { UsageError, errorCode, errorMessage } from '../worker/errors.js';
import { loadConfig } from '../worker/load-config.js';
import { HELP, parseCliArgs } from './args.js';
import { runCheckCommand } from './check-command.js';
import { prepareCommand } from './command.js';
import { ExitCode } from './exit-codes.js';
import { runJobCommand } from './job-command.js';
import { ProgressLine } from './progress-line.js';
import { runStatusCommand } from './status-command.js';
import { loadStatusConfig } from './status/load-status-config.js';
import { runWorkerCommand } from './worker-command.js';

function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const cli = parseCliArgs(argv);
  if (cli.help) {
    process.stdout.write(HELP);
    return ExitCode.ok;
  }
  if (cli.version) {
    process.stdout.write(`nexus-worker ${packageVersion()}\n`);
    return ExitCode.ok;
  }
  // check reports a config that does not load as one of its findings.
  if (cli.command === 'check') return runCheckCommand(cli);

  const loaded =
    cli.command === 'status' ? await loadStatusConfig(cli.config) : await loadConfig(cli.config);
  // Only a person watching a single run sees a progress line; logs and pipes never do.
  const interactive = cli.job !== undefined && process.stderr.isTTY;
  const progress = interactive ? new ProgressLine(process.stderr) : undefined;
  const command = prepareCommand(cli, loaded, progress);
  for (const warning of loaded.warnings) command.log.warn(warning);

  if (cli.command === 'status') return runStatusCommand(command);
  if (cli.job !== undefined) return runJobCommand(command, cli.job);
  return runWorkerCommand(command);
}

// `nexus-worker status | head -3` closes the pipe before the end: stop quietly, not with a trace.
process.stdout.on('error', (error) => {
  if (errorCode(error) !== 'EPIPE') throw error;
  process.exit(ExitCode.failed);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`nexus-worker: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`nexus-worker: unexpected error: ${errorMessage(error)}\n`);
    if (error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exitCode = ExitCode.failed;
  },
);

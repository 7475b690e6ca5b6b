#!/usr/bin/env node
import { readFileSync } from 'node:fs';

import { notifySecrets } from '../notify/create-notifier.js';
import { UsageError, errorMessage } from '../worker/errors.js';
import { loadConfig } from '../worker/load-config.js';
import { createLogger } from '../worker/logger.js';
import { HELP, parseCliArgs } from './args.js';
import { ExitCode } from './exit-codes.js';
import { runJobCommand } from './job-command.js';
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

  const loaded = await loadConfig(cli.config);
  const secrets = [loaded.config.apiKey, ...notifySecrets(loaded.config.notify)];
  const log = createLogger({ verbose: cli.verbose, secrets });
  for (const warning of loaded.warnings) log.warn(warning);

  const command = { cli, loaded, log, secrets };
  if (cli.job !== undefined) return runJobCommand(command, cli.job);
  return runWorkerCommand(command);
}

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

#!/usr/bin/env node
/**
 * `nexus-local`: runs the local Nexus server until SIGINT or SIGTERM. The one line on stdout
 * says where it listens (the demo and the tests read the URL from it); everything else goes
 * through the logger on stderr, which never shows the key.
 */

import { readFileSync } from 'node:fs';

import { errorCode, errorMessage, UsageError } from '../worker/errors.js';
import { createLogger, type Logger } from '../worker/logger.js';
import { HELP_TEXT, parseCommandLine, type ServeCommand } from './command-line.js';
import { createLocalNexus, type LocalNexus } from './server.js';

/** How long open requests may take to finish after a stop signal before the process quits. */
const STOP_GRACE_MS = 5000;

function packageVersion(): string {
  // The same relative path holds from src/local-nexus and from dist/local-nexus.
  const manifestUrl = new URL('../../package.json', import.meta.url);
  const manifest = JSON.parse(readFileSync(manifestUrl, 'utf8')) as { version?: unknown };
  return String(manifest.version);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Resolves on the first SIGINT or SIGTERM; a second signal then ends the process at once. */
function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function start(command: ServeCommand, logger: Logger): Promise<LocalNexus | undefined> {
  try {
    const { dataDir, apiKey, host, port } = command;
    return await createLocalNexus({ dataDir, apiKey, host, port, logger });
  } catch (error) {
    const portTaken = errorCode((error as { cause?: unknown }).cause) === 'EADDRINUSE';
    const hint = portTaken ? '; choose another port with --port, or --port 0 for a free one' : '';
    logger.error(`${errorMessage(error)}${hint}`);
    return undefined;
  }
}

async function serve(command: ServeCommand): Promise<number> {
  const logOptions = { verbose: command.verbose, secrets: [command.apiKey] };
  const logger = createLogger(logOptions, 'nexus-local');

  const nexus = await start(command, logger);
  if (!nexus) return 1;
  process.stdout.write(`nexus-local listening on ${nexus.url} (data: ${command.dataDir})\n`);
  if (!isLoopback(command.host)) {
    logger.warn(`listening on ${command.host}: other machines can reach this server`);
  }

  const signal = await waitForStopSignal();
  logger.info(`${signal} received, stopping`);
  const forceExit = setTimeout(() => {
    logger.error(`requests still open after ${STOP_GRACE_MS} ms; exiting without waiting`);
    process.exit(1);
  }, STOP_GRACE_MS);
  forceExit.unref();

  await nexus.close();
  clearTimeout(forceExit);
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    const command = parseCommandLine(argv);
    if (command.kind === 'help') {
      process.stdout.write(HELP_TEXT);
      return 0;
    }
    if (command.kind === 'version') {
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    return await serve(command);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`nexus-local: ${error.message}\n`);
    process.stderr.write('Run nexus-local --help for the options.\n');
    return error.exitCode;
  }
}

process.exit(await main(process.argv.slice(2)));

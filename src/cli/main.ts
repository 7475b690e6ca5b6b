#!/usr/bin/env node
import { readFileSync } from 'node:fs';

import { UsageError, errorMessage } from '../worker/errors.js';
import { loadConfig } from '../worker/load-config.js';
import { createLogger, type LoggerOptions } from '../worker/logger.js';
import { runJob } from '../worker/run-job.js';
import { resolveStateDir } from '../worker/state-dir.js';
import { HELP, parseCliArgs, type CliOptions } from './args.js';

function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const cli = parseCliArgs(argv);
  if (cli.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (cli.version) {
    process.stdout.write(`nexus-worker ${packageVersion()}\n`);
    return 0;
  }

  const loaded = await loadConfig(cli.config);
  const logOptions: LoggerOptions = { verbose: cli.verbose, secrets: [loaded.config.apiKey] };
  const log = createLogger(logOptions);
  for (const warning of loaded.warnings) log.warn(warning);

  if (cli.job === undefined) {
    throw new UsageError('Daemon mode is not available in this version; run a job with --job ID');
  }
  return runOneJob(cli, loaded, log);
}

async function runOneJob(
  cli: CliOptions,
  loaded: Awaited<ReturnType<typeof loadConfig>>,
  log: ReturnType<typeof createLogger>,
): Promise<number> {
  const job = loaded.config.jobs.find((candidate) => candidate.id === cli.job);
  if (!job) {
    const known = loaded.config.jobs.map((candidate) => candidate.id).join(', ');
    throw new UsageError(`Unknown job "${cli.job}". Jobs in ${loaded.path}: ${known}`);
  }

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130);
    log.warn(`Received ${signal}: finishing the file in flight, then stopping`);
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const result = await runJob(job, {
    config: loaded.config,
    baseDir: loaded.dir,
    stateDir: resolveStateDir(loaded),
    log,
    signal: stop.signal,
    dryRun: cli.dryRun,
  });

  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  return result.success ? 0 : 1;
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
    process.exitCode = 1;
  },
);

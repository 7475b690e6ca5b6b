import { parseArgs } from 'node:util';

import { UsageError } from '../worker/errors.js';

export interface CliOptions {
  config: string;
  job?: string;
  verbose: boolean;
  dryRun: boolean;
  help: boolean;
  version: boolean;
}

export const HELP = `usage: nexus-worker [-h] [--config CONFIG] [--job JOB] [--verbose] [--dry-run]

Nexus Worker - syncs data between OpenClaw and Nexus

options:
  -h, --help       Show this help and exit
  --config CONFIG  Path to config file (default: config.json)
  --job JOB        Run the job with this id now, then exit (ignores intervalMinutes)
  --verbose        Enable debug logging
  --dry-run        Show what would be done; upload, move and delete nothing
  --version        Print the version and exit

With no --job, nexus-worker runs as a daemon and runs each job on its interval.
NEXUS_API_KEY, when set, replaces the config's apiKey.
`;

export function parseCliArgs(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        config: { type: 'string', default: 'config.json' },
        job: { type: 'string' },
        verbose: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${reason}\nRun nexus-worker --help for the options.`);
  }

  const { values } = parsed;
  if (values.job !== undefined && values.job.trim() === '') {
    throw new UsageError('--job needs a job id from the config');
  }

  return {
    config: values.config,
    job: values.job,
    verbose: values.verbose,
    dryRun: values['dry-run'],
    help: values.help,
    version: values.version,
  };
}

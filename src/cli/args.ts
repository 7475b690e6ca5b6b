import { parseArgs } from 'node:util';

import { UsageError } from '../worker/errors.js';

export interface CliOptions {
  config: string;
  job?: string;
  once: boolean;
  verbose: boolean;
  dryRun: boolean;
  help: boolean;
  version: boolean;
}

export const HELP = `usage: nexus-worker [-h] [--config CONFIG] [--job JOB] [--once] [--verbose]
                    [--dry-run] [--version]

Nexus Worker - syncs data between OpenClaw and Nexus

options:
  -h, --help       Show this help and exit
  --config CONFIG  Path to config file (default: config.json)
  --job JOB        Run the job with this id now, then exit (ignores intervalMinutes)
  --once           Run every job once, in config order, then exit
  --verbose        Enable debug logging
  --dry-run        Show what would be done; upload, move and delete nothing
                   (with --job or --once)
  --version        Print the version and exit

With neither --job nor --once, nexus-worker runs as a daemon: each job runs when its
intervalMinutes have passed, until SIGINT or SIGTERM.
NEXUS_API_KEY, when set, replaces the config's apiKey.

Exit status: 0 success, 1 a job failed, 2 bad flags or config,
3 another nexus-worker is running (the daemon, or the same job).
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
        once: { type: 'boolean', default: false },
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
  if (values.job !== undefined && values.once) {
    throw new UsageError('--job and --once do not go together: --job runs one job, --once all');
  }
  if (values['dry-run'] && values.job === undefined && !values.once) {
    throw new UsageError('--dry-run needs --job JOB or --once; the daemon always does real work');
  }

  return {
    config: values.config,
    job: values.job,
    once: values.once,
    verbose: values.verbose,
    dryRun: values['dry-run'],
    help: values.help,
    version: values.version,
  };
}

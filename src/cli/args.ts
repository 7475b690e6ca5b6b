import { parseArgs } from 'node:util';

import { UsageError, errorCode, errorMessage } from '../worker/errors.js';
import { printable } from './printable.js';

/** What to do besides running jobs: `nexus-worker status`, `nexus-worker check`. */
export type CliCommand = 'status' | 'check';

const COMMANDS: readonly CliCommand[] = ['status', 'check'];

export interface CliOptions {
  /** Undefined for the spec's own modes: the daemon, `--once` and `--job`. */
  command?: CliCommand;
  config: string;
  job?: string;
  once: boolean;
  verbose: boolean;
  dryRun: boolean;
  /** `status --json`: one JSON document on stdout instead of the table. */
  json: boolean;
  help: boolean;
  version: boolean;
}

export const HELP = `usage: nexus-worker [-h] [--config CONFIG] [--job JOB] [--once] [--verbose]
                    [--dry-run] [--version]
       nexus-worker status [--config CONFIG] [--json]
       nexus-worker check [--config CONFIG]

Nexus Worker - syncs data between OpenClaw and Nexus

commands:
  status           Show each job's last run and next run, and what is running now
  check            Check the config, Nexus and the API key, the folders and the notifier

options:
  -h, --help       Show this help and exit
  --config CONFIG  Path to config file (default: config.json)
  --job JOB        Run the job with this id now, then exit (ignores intervalMinutes)
  --once           Run every job once, in config order, then exit
  --verbose        Enable debug logging
  --dry-run        Show what would be done; upload, move and delete nothing
                   (with --job or --once)
  --json           With status: print JSON for machines instead of the table
  --version        Print the version and exit

With neither --job nor --once, nexus-worker runs as a daemon: each job runs when its
intervalMinutes have passed, until SIGINT or SIGTERM.
NEXUS_API_KEY, when set, replaces the config's apiKey.

Exit status: 0 success, 1 a job failed, 2 bad flags or config,
3 another nexus-worker is running (the daemon, or the same job).
status exits 1 when a job's last run failed or a job is overdue; check exits 1 when a check
failed.
`;

export function parseCliArgs(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        config: { type: 'string', default: 'config.json' },
        job: { type: 'string' },
        once: { type: 'boolean', default: false },
        verbose: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(`${describeParseError(error)}\nRun nexus-worker --help for the options.`);
  }

  const { values, positionals } = parsed;
  const command = readCommand(positionals);
  if (command) checkCommandFlags(command, values);
  if (values.json && command !== 'status') {
    throw new UsageError('--json goes with status: nexus-worker status --json');
  }
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
    command,
    config: values.config,
    job: values.job,
    once: values.once,
    verbose: values.verbose,
    dryRun: values['dry-run'],
    json: values.json,
    help: values.help,
    version: values.version,
  };
}

/**
 * Node's message for an unknown option goes on to explain how to pass a positional that starts
 * with '-' after '--'. The worker takes no such positional, so that advice would only mislead.
 */
function describeParseError(error: unknown): string {
  const message = errorMessage(error);
  const unknownOption = /^Unknown option '.*'(?=\. To specify a positional)/s.exec(message);
  if (errorCode(error) === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknownOption) {
    return printable(unknownOption[0]);
  }
  return printable(message);
}

function readCommand(positionals: string[]): CliCommand | undefined {
  const [first, ...extra] = positionals;
  if (first === undefined) return undefined;

  const command = COMMANDS.find((known) => known === first);
  if (!command) {
    throw new UsageError(
      `Unknown command "${first}": the commands are ${COMMANDS.join(' and ')}; without one, ` +
        'nexus-worker runs its jobs. Run nexus-worker --help for the options.',
    );
  }
  if (extra.length > 0) {
    throw new UsageError(`${command} takes no further arguments, but was given "${extra[0]}"`);
  }
  return command;
}

/** Flags that run jobs make no sense with a command that only looks. */
function checkCommandFlags(command: CliCommand, values: Record<string, unknown>): void {
  for (const flag of ['job', 'once', 'dry-run']) {
    if (values[flag] !== undefined && values[flag] !== false) {
      throw new UsageError(`--${flag} does not go with ${command}: ${command} runs no job`);
    }
  }
}

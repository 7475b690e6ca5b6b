import { notifySecrets } from '../notify/create-notifier.js';
import type { LoadedConfig } from '../worker/load-config.js';
import { createLogger, type Logger } from '../worker/logger.js';
import type { CliOptions } from './args.js';
import type { ProgressLine } from './progress-line.js';

/** What every command starts from: the flags, the validated config, the logger. */
export interface CommandInput {
  cli: CliOptions;
  loaded: LoadedConfig;
  log: Logger;
  /** Values masked in logs, state and output: the API key, the hooks token. */
  secrets: readonly string[];
  /** The progress line of a `--job` run on a terminal; log lines go through it too. */
  progress?: ProgressLine;
}

/** Makes the logger, which masks every secret of the config, for a command on this config. */
export function prepareCommand(
  cli: CliOptions,
  loaded: LoadedConfig,
  progress?: ProgressLine,
): CommandInput {
  const secrets = [loaded.config.apiKey, ...notifySecrets(loaded.config.notify)];
  const write = progress && ((line: string) => progress.writeLine(line));
  const log = createLogger({ verbose: cli.verbose, secrets, write });
  return { cli, loaded, log, secrets, progress };
}

import type { LoadedConfig } from '../worker/load-config.js';
import type { Logger } from '../worker/logger.js';
import type { CliOptions } from './args.js';

/** What every command starts from: the flags, the validated config, the logger. */
export interface CommandInput {
  cli: CliOptions;
  loaded: LoadedConfig;
  log: Logger;
  /** Values masked in logs, state and output: the API key, the hooks token. */
  secrets: readonly string[];
}

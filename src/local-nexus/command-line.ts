/**
 * The flags of the `nexus-local` bin. A flag the user got wrong is a UsageError, which the bin
 * prints without a stack trace and turns into exit code 2.
 */

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { errorCode, errorMessage, UsageError } from '../worker/errors.js';

export const DEFAULT_PORT = 7071;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_DATA_DIR = './nexus-data';
export const API_KEY_ENV = 'NEXUS_API_KEY';

export const HELP_TEXT = `Usage: nexus-local [options]

A local Nexus server for trying nexus-worker and for tests: the Nexus HTTP API
under /api, stored in nexus.sqlite inside the data folder.

Options:
  --port N          port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H          address to bind (default ${DEFAULT_HOST}; other machines can reach
                    the server only if you bind beyond loopback)
  --data-dir DIR    folder for nexus.sqlite (default ${DEFAULT_DATA_DIR})
  --api-key KEY     the key clients must send; prefer the ${API_KEY_ENV} environment
                    variable, as other users of this machine can see arguments
  --verbose         print one line per request: method, path and status
  --help            print this help and exit
  --version         print the version and exit
`;

export interface ServeCommand {
  kind: 'serve';
  port: number;
  host: string;
  /** Absolute, so the start-up line says exactly where the data is. */
  dataDir: string;
  apiKey: string;
  verbose: boolean;
}

export type NexusLocalCommand = ServeCommand | { kind: 'help' } | { kind: 'version' };

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, not "${text}"`);
  }
  return port;
}

function readFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        'api-key': { type: 'string' },
        verbose: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    }).values;
  } catch (error) {
    // A stray argument is not echoed: it may be a key that lost its --api-key.
    if (errorCode(error) === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      throw new UsageError('nexus-local takes only options, and one argument is not an option');
    }
    throw new UsageError(errorMessage(error));
  }
}

export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): NexusLocalCommand {
  const flags = readFlags(argv);
  if (flags.help) return { kind: 'help' };
  if (flags.version) return { kind: 'version' };

  const apiKey = flags['api-key'] ?? env[API_KEY_ENV] ?? '';
  if (apiKey.length === 0) {
    throw new UsageError(`no API key: pass --api-key KEY or set ${API_KEY_ENV}`);
  }

  const host = flags.host ?? DEFAULT_HOST;
  if (host.length === 0) throw new UsageError('--host must not be empty');

  const dataDir = flags['data-dir'] ?? DEFAULT_DATA_DIR;
  if (dataDir.length === 0) throw new UsageError('--data-dir must not be empty');

  return {
    kind: 'serve',
    port: flags.port === undefined ? DEFAULT_PORT : parsePort(flags.port),
    host,
    dataDir: resolve(dataDir),
    apiKey,
    verbose: flags.verbose,
  };
}

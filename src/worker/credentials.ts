import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { UsageError, errorCode, errorMessage } from './errors.js';

/** The credential name the systemd unit passes: `LoadCredential=nexus-api-key:<file>`. */
export const API_KEY_CREDENTIAL = 'nexus-api-key';

/**
 * The Nexus API key handed over as a systemd credential, or undefined when the worker was not
 * given one (no `$CREDENTIALS_DIRECTORY`, or a unit that loads other credentials only). Outer
 * whitespace is dropped: a key file written with `echo` ends in a newline.
 */
export async function readApiKeyCredential(
  env: NodeJS.ProcessEnv = process.env,
): Promise<string | undefined> {
  const dir = env.CREDENTIALS_DIRECTORY;
  if (!dir) return undefined;

  const file = path.join(dir, API_KEY_CREDENTIAL);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new UsageError(
      `Credential ${file} cannot be read: ${errorMessage(error)} ` +
        `(check the unit's LoadCredential=${API_KEY_CREDENTIAL}:… line and its User=)`,
    );
  }

  const key = text.trim();
  if (key === '') {
    throw new UsageError(
      `Credential ${file} is empty: put the Nexus API key in the file that the unit's ` +
        `LoadCredential=${API_KEY_CREDENTIAL}:… line names, then restart the service`,
    );
  }
  return key;
}

import { UsageError } from '../../worker/errors.js';
import { loadConfig, type LoadedConfig } from '../../worker/load-config.js';

/** Takes the place of a key that status never sends anywhere. */
const KEY_NOT_NEEDED = 'status-needs-no-api-key';

/**
 * The config for `nexus-worker status`, which never talks to Nexus: a monitor may run it
 * without NEXUS_API_KEY or the service's credential, against a config that leaves `apiKey`
 * out as the README advises. Loaded as usual first; only if that fails is it loaded again
 * with a stand-in key, so any other problem is still reported, without the key among them.
 */
export async function loadStatusConfig(configPath: string): Promise<LoadedConfig> {
  try {
    return await loadConfig(configPath);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return loadConfig(configPath, { ...process.env, NEXUS_API_KEY: KEY_NOT_NEEDED });
  }
}

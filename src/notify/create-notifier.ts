import { CommandNotifier } from './command-notifier.js';
import { HttpNotifier } from './http-notifier.js';
import {
  DEFAULT_COMMAND_TIMEOUT_SECONDS,
  DEFAULT_NOTIFY_COMMAND,
  type NotifyConfig,
} from './notify-config.js';
import type { Notifier } from './notifier.js';

/** The notifier the config asks for; `openclaw agent` when it asks for none. */
export function createNotifier(config: NotifyConfig | undefined): Notifier {
  if (config?.type === 'http') {
    return new HttpNotifier(config.url, config.token, config.timeoutSeconds * 1000);
  }

  const command = config?.command ?? DEFAULT_NOTIFY_COMMAND;
  const timeoutSeconds = config?.timeoutSeconds ?? DEFAULT_COMMAND_TIMEOUT_SECONDS;
  return new CommandNotifier(command, timeoutSeconds * 1000);
}

/** Secrets of the notify settings, for the logger to mask. */
export function notifySecrets(config: NotifyConfig | undefined): string[] {
  return config?.type === 'http' ? [config.token] : [];
}

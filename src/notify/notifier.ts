import type { Notification } from './notification.js';

/** Delivers a notification to OpenClaw, one way or another. */
export interface Notifier {
  /** How it delivers, for log lines: `openclaw agent` or the hooks URL. */
  readonly name: string;
  /**
   * Resolves when OpenClaw accepted the message; rejects with a NotifyError that says why not.
   * An aborted `signal` stops the attempt (the worker is shutting down).
   */
  send(notification: Notification, signal: AbortSignal): Promise<void>;
  /** Ends every attempt at once, synchronously: the process is about to exit. */
  stopNow?(): void;
}

/** A notification that did not arrive: exit code, HTTP status or timeout, in words. */
export class NotifyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'NotifyError';
  }
}

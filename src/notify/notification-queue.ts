import { errorMessage } from '../worker/errors.js';
import type { Logger } from '../worker/logger.js';
import type { Notification } from './notification.js';
import type { Notifier } from './notifier.js';

/**
 * Sends notifications in the background, one at a time per agent (an agent gets its messages
 * in the order of the runs), while other agents' messages and the next jobs go ahead. A failed
 * notification is logged and forgotten: it never fails a job or stops the worker.
 */
export class NotificationQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();
  private unfinished = 0;

  constructor(
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  /** Notifications queued or being sent. */
  get pending(): number {
    return this.unfinished;
  }

  /** Queues the message behind earlier ones for the same agent and returns at once. */
  enqueue(notification: Notification): void {
    const { agentId } = notification;
    const previous = this.tails.get(agentId) ?? Promise.resolve();
    this.unfinished += 1;

    const tail = previous
      .then(() => this.deliver(notification))
      .finally(() => {
        this.unfinished -= 1;
        if (this.tails.get(agentId) === tail) this.tails.delete(agentId);
      });
    this.tails.set(agentId, tail);
  }

  /** Resolves when every notification queued so far was sent or has failed. */
  async idle(): Promise<void> {
    await Promise.all([...this.tails.values()]);
  }

  /** Stops the notifications in flight, drops the queued ones, and waits until that is done. */
  async cancel(): Promise<void> {
    this.stopping.abort();
    await this.idle();
  }

  /** Kills what is in flight, synchronously; for a process 'exit' handler. */
  stopNow(): void {
    this.stopping.abort();
    this.notifier.stopNow?.();
  }

  private async deliver(notification: Notification): Promise<void> {
    const log = this.log.child(notification.jobId);
    const agent = `agent "${notification.agentId}"`;
    if (this.stopping.signal.aborted) {
      log.warn(`Notification to ${agent} dropped: the worker is shutting down`);
      return;
    }

    log.debug(`Notifying ${agent} via ${this.notifier.name}`);
    try {
      await this.notifier.send(notification, this.stopping.signal);
      log.info(`Notified ${agent}`);
    } catch (error) {
      log.error(`Notification to ${agent} failed: ${errorMessage(error)}`);
    }
  }
}

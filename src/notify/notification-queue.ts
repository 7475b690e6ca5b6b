import { errorMessage } from '../worker/errors.js';
import type { Logger } from '../worker/logger.js';
import { plural } from '../worker/plural.js';
import type { Notification } from './notification.js';
import type { Notifier } from './notifier.js';

/**
 * Messages waiting for one agent beyond the one being sent. Runs can finish faster than an
 * agent takes messages (a hooks endpoint that hangs, a gateway down for hours): without a bound
 * the queue, and the daemon's memory, would grow for as long as that lasts.
 */
export const MAX_WAITING_PER_AGENT = 20;

/** One agent's messages: sent one at a time, in the order of the runs. */
interface AgentLine {
  waiting: Notification[];
  sending?: Promise<void>;
  /** Oldest messages dropped to keep within the bound since the line last ran dry. */
  dropped: number;
}

/**
 * Sends notifications in the background, one at a time per agent (an agent gets its messages
 * in the order of the runs), while other agents' messages and the next jobs go ahead. A failed
 * notification is logged and forgotten: it never fails a job or stops the worker.
 */
export class NotificationQueue {
  private readonly lines = new Map<string, AgentLine>();
  private readonly stopping = new AbortController();
  private inFlight = 0;

  constructor(
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  /** Notifications queued or being sent. */
  get pending(): number {
    let waiting = 0;
    for (const line of this.lines.values()) waiting += line.waiting.length;
    return waiting + this.inFlight;
  }

  /**
   * Queues the message behind earlier ones for the same agent and returns at once. When the
   * agent is that far behind, the oldest waiting message gives way: the newest say most.
   */
  enqueue(notification: Notification): void {
    const { agentId } = notification;
    const line = this.lines.get(agentId) ?? { waiting: [], dropped: 0 };
    this.lines.set(agentId, line);

    line.waiting.push(notification);
    if (line.waiting.length > MAX_WAITING_PER_AGENT) {
      line.waiting.shift();
      line.dropped += 1;
      if (line.dropped === 1) {
        this.log.child(notification.jobId).warn(
          `Notifications to agent "${agentId}" are falling behind the runs: ` +
            `only the newest ${MAX_WAITING_PER_AGENT} are kept`,
        );
      }
    }

    line.sending ??= this.drain(agentId, line);
  }

  /** Resolves when every notification queued so far was sent or has failed. */
  async idle(): Promise<void> {
    for (;;) {
      const sending = [...this.lines.values()].flatMap((line) => line.sending ?? []);
      if (sending.length === 0) return;
      await Promise.all(sending);
    }
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

  private async drain(agentId: string, line: AgentLine): Promise<void> {
    for (let next = line.waiting.shift(); next; next = line.waiting.shift()) {
      if (this.stopping.signal.aborted) {
        this.dropAll(agentId, next, line);
        break;
      }
      this.inFlight += 1;
      try {
        await this.deliver(next);
      } finally {
        this.inFlight -= 1;
      }
    }

    if (line.dropped > 0) {
      this.log.info(`${plural(line.dropped, 'older notification')} to agent "${agentId}" dropped`);
    }
    this.lines.delete(agentId);
  }

  /** One line for every message a stop leaves unsent, not one line each. */
  private dropAll(agentId: string, first: Notification, line: AgentLine): void {
    const count = 1 + line.waiting.length;
    line.waiting.length = 0;
    const what = count === 1 ? 'Notification' : `${count} notifications`;
    this.log
      .child(first.jobId)
      .warn(`${what} to agent "${agentId}" dropped: the worker is shutting down`);
  }

  private async deliver(notification: Notification): Promise<void> {
    const log = this.log.child(notification.jobId);
    const agent = `agent "${notification.agentId}"`;

    log.debug(`Notifying ${agent} via ${this.notifier.name}`);
    try {
      await this.notifier.send(notification, this.stopping.signal);
      log.info(`Notified ${agent}`);
    } catch (error) {
      log.error(`Notification to ${agent} failed: ${errorMessage(error)}`);
    }
  }
}

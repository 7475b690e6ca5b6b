import { setTimeout as sleep } from 'node:timers/promises';

import pRetry, { AbortError } from 'p-retry';

import { networkReason } from '../nexus/network-reason.js';
import { parseRetryAfter } from '../nexus/retry-after.js';
import type { Notification } from './notification.js';
import { NotifyError, type Notifier } from './notifier.js';

const BODY_EXCERPT_CHARS = 200;
/** Answers that say "not now" rather than "no": OpenClaw restarting, or rate limiting hooks. */
const RETRIED_STATUSES = new Set([429, 502, 503, 504]);

export interface NotifierRetry {
  /** Further attempts after the first one. */
  retries: number;
  minDelayMs: number;
  /** A longer Retry-After is not waited for: the notification fails with the answer. */
  maxRetryAfterMs: number;
}

const DEFAULT_RETRY: NotifierRetry = { retries: 2, minDelayMs: 1000, maxRetryAfterMs: 60_000 };

/** A failure worth another attempt, with the wait the server asked for. */
class RetryableNotifyError extends NotifyError {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/**
 * Wakes an agent through OpenClaw's `POST /hooks/agent`. OpenClaw queues the turn and answers
 * at once, so a short timeout is enough. `deliver` is sent as false: OpenClaw's default would
 * announce the agent's reply on the user's chat. A busy or restarting gateway gets a few more
 * tries; the idempotency key keeps a retried message from waking the agent twice.
 */
export class HttpNotifier implements Notifier {
  readonly name: string;
  private readonly retry: NotifierRetry;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs: number,
    retry: Partial<NotifierRetry> = {},
  ) {
    this.name = `POST ${url}`;
    this.retry = { ...DEFAULT_RETRY, ...retry };
  }

  async send(notification: Notification, signal: AbortSignal): Promise<void> {
    const body = JSON.stringify({
      message: notification.text,
      name: 'Nexus Worker',
      agentId: notification.agentId,
      deliver: false,
      idempotencyKey: notification.idempotencyKey,
    });

    await pRetry(() => this.attempt(body, signal), {
      retries: this.retry.retries,
      minTimeout: this.retry.minDelayMs,
      factor: 2,
      randomize: true,
      signal,
      shouldRetry: ({ error }) => error instanceof RetryableNotifyError && !signal.aborted,
      onFailedAttempt: async ({ error, retriesLeft }) => {
        if (!(error instanceof RetryableNotifyError) || retriesLeft === 0) return;
        const wait = error.retryAfterMs ?? 0;
        if (wait > this.retry.maxRetryAfterMs) throw new AbortError(error);
        if (wait > 0) await sleep(wait, undefined, { signal });
      },
    }).catch((error: unknown) => {
      if (signal.aborted) throw new NotifyError('stopped: the worker is shutting down');
      throw error;
    });
  }

  private async attempt(body: string, signal: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.any([signal, timeout]),
        redirect: 'manual',
      });
    } catch (error) {
      if (signal.aborted) throw new AbortError(new NotifyError('stopped: shutting down'));
      if (timeout.aborted) {
        throw new RetryableNotifyError(`no answer within ${this.timeoutMs / 1000}s`);
      }
      throw new RetryableNotifyError(`request failed: ${networkReason(error)}`);
    }

    if (response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    const text = await response.text().catch(() => '');
    const reason = describeRefusal(response, text);
    if (!RETRIED_STATUSES.has(response.status)) throw new AbortError(new NotifyError(reason));
    throw new RetryableNotifyError(reason, parseRetryAfter(response.headers.get('retry-after')));
  }
}

/** `HTTP 429 (Retry-After: 30): too many requests`, with the body's error text when it has one. */
function describeRefusal(response: Response, text: string): string {
  let detail = text.trim();
  try {
    const json = JSON.parse(text) as { error?: unknown };
    if (typeof json.error === 'string') detail = json.error;
  } catch {
    // OpenClaw may answer an error in plain text; the text itself is the detail then.
  }

  const retryAfter = response.headers.get('retry-after');
  const hint = retryAfter ? ` (Retry-After: ${retryAfter})` : '';
  const excerpt = detail.slice(0, BODY_EXCERPT_CHARS);
  return `HTTP ${response.status}${hint}${excerpt ? `: ${excerpt}` : ''}`;
}

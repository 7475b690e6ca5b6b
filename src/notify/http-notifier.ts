import { setTimeout as sleep } from 'node:timers/promises';

import pRetry, { AbortError } from 'p-retry';

import { networkReason } from '../nexus/network-reason.js';
import { parseRetryAfter } from '../nexus/retry-after.js';
import type { Notification } from './notification.js';
import { NotifyError, type Notifier } from './notifier.js';

const BODY_EXCERPT_CHARS = 200;
/** How much of an error answer is read: its message is cut to BODY_EXCERPT_CHARS anyway. */
const ERROR_ANSWER_BYTES = 64 * 1024;
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
    // Not AbortSignal.any: `signal` lives as long as the daemon, and every composite made from it
    // would stay attached to it for good.
    const attempt = new AbortController();
    const stop = () => attempt.abort();
    signal.addEventListener('abort', stop, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attempt.abort();
    }, this.timeoutMs);

    try {
      await this.exchange(body, attempt.signal);
    } catch (error) {
      if (error instanceof NotifyError || error instanceof AbortError) throw error;
      if (signal.aborted) throw new AbortError(new NotifyError('stopped: shutting down'));
      if (timedOut) throw new RetryableNotifyError(`no answer within ${this.timeoutMs / 1000}s`);
      throw new RetryableNotifyError(`request failed: ${networkReason(error)}`);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', stop);
    }
  }

  private async exchange(body: string, signal: AbortSignal): Promise<void> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body,
      signal,
      redirect: 'manual',
    });

    if (response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    const reason = describeRefusal(response, await readStart(response));
    if (!RETRIED_STATUSES.has(response.status)) throw new AbortError(new NotifyError(reason));
    throw new RetryableNotifyError(reason, parseRetryAfter(response.headers.get('retry-after')));
  }
}

/** The start of an error answer, enough for its message; the rest is not read. */
async function readStart(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';

  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < ERROR_ANSWER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A broken error answer still has its status, which says enough.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, ERROR_ANSWER_BYTES).toString('utf8');
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

import { networkReason } from '../nexus/network-reason.js';
import type { Notification } from './notification.js';
import { NotifyError, type Notifier } from './notifier.js';

const BODY_EXCERPT_CHARS = 200;

/**
 * Wakes an agent through OpenClaw's `POST /hooks/agent`. OpenClaw queues the turn and answers
 * at once, so a short timeout is enough. `deliver` is sent as false: OpenClaw's default would
 * announce the agent's reply on the user's chat.
 */
export class HttpNotifier implements Notifier {
  readonly name: string;

  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs: number,
  ) {
    this.name = `POST ${url}`;
  }

  async send(notification: Notification, signal: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const body = {
      message: notification.text,
      name: 'Nexus Worker',
      agentId: notification.agentId,
      deliver: false,
      idempotencyKey: notification.idempotencyKey,
    };

    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, timeout]),
      });
    } catch (error) {
      if (signal.aborted) throw new NotifyError('stopped: the worker is shutting down');
      if (timeout.aborted) throw new NotifyError(`no answer within ${this.timeoutMs / 1000}s`);
      throw new NotifyError(`request failed: ${networkReason(error)}`, { cause: error });
    }

    if (response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    const text = await response.text().catch(() => '');
    throw new NotifyError(describeRefusal(response, text));
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

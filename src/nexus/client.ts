import { setTimeout as sleep } from 'node:timers/promises';

import pRetry, { AbortError } from 'p-retry';

import type { Logger } from '../worker/logger.js';
import {
  NexusAuthError,
  NexusEndpointError,
  NexusUnavailableError,
  TransientError,
} from './errors.js';
import { parseRetryAfter } from './retry-after.js';

export interface RetryPolicy {
  /** Further attempts after the first one. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for inside a run. */
  maxRetryAfterMs: number;
}

export interface NexusClientOptions {
  /** The config's url, such as `https://example.azurewebsites.net/api`. */
  baseUrl: string;
  apiKey: string;
  log: Logger;
  /** Each request's own limit, body included. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Aborts waits and requests when the worker shuts down. */
  signal?: AbortSignal;
}

export interface SessionUpload {
  agentId: string;
  sessionId: string;
  transcript: string;
  fileName: string;
  sha256: string;
}

export type UploadOutcome =
  | { kind: 'stored' }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; status: number; reason: string };

interface Answer {
  status: number;
  text: string;
  json: unknown;
  headers: Headers;
}

const DEFAULT_RETRY: RetryPolicy = {
  retries: 4,
  minDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Talks to the Nexus HTTP API: the key in a header, every request timed out and retried. */
export class NexusClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly signal: AbortSignal | undefined;

  constructor(options: NexusClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.log = options.log;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.signal = options.signal;
  }

  async uploadSession(upload: SessionUpload): Promise<UploadOutcome> {
    const answer = await this.send('POST', '/sessions', upload, (reply) => {
      if (reply.status === 200 && reply.json === undefined) {
        throw new TransientError('HTTP 200 with an answer that is not JSON');
      }
    });

    if (answer.status >= 200 && answer.status < 300) return { kind: 'stored' };
    if (answer.status === 409) return { kind: 'duplicate' };
    return { kind: 'rejected', status: answer.status, reason: describeAnswer(answer) };
  }

  /** The raw pending-items answer; the caller validates its shape. */
  async fetchPending(agentId: string): Promise<unknown> {
    const path = `/webhook/pending?agentId=${encodeURIComponent(agentId)}`;
    const answer = await this.send('GET', path, undefined, (reply) => {
      if (reply.status === 200 && reply.json === undefined) {
        throw new TransientError('HTTP 200 with an answer that is not JSON');
      }
    });

    if (answer.status !== 200) {
      throw new Error(`pending items request answered ${describeAnswer(answer)}`);
    }
    return answer.json;
  }

  async deleteItems(ids: readonly string[]): Promise<void> {
    const answer = await this.send('DELETE', '/webhook/items', { ids });
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(`delete request answered ${describeAnswer(answer)}`);
    }
  }

  /**
   * One logical request with retries. Answers that settle the request (2xx, 409, other 4xx) are
   * returned; 401/403 and 404/405 throw their own errors; the rest are retried with backoff.
   */
  private async send(
    method: string,
    path: string,
    body: unknown,
    check?: (answer: Answer) => void,
  ): Promise<Answer> {
    const what = `${method} ${path.split('?')[0]}`;
    let attempts = 0;

    try {
      return await pRetry(
        async () => {
          attempts += 1;
          const answer = await this.attempt(method, path, body);
          settleOrThrow(answer, path);
          check?.(answer);
          return answer;
        },
        {
          retries: this.retry.retries,
          minTimeout: this.retry.minDelayMs,
          maxTimeout: this.retry.maxDelayMs,
          factor: 2,
          randomize: true,
          signal: this.signal,
          shouldRetry: ({ error }) => error instanceof TransientError,
          onFailedAttempt: async ({ error, retriesLeft }) => {
            if (!(error instanceof TransientError) || retriesLeft === 0) return;
            this.log.debug(`${what}: ${error.message}; retrying (${retriesLeft} left)`);
            await this.waitRetryAfter(error);
          },
        },
      );
    } catch (error) {
      if (error instanceof TransientError) {
        throw new NexusUnavailableError(what, attempts, error.message);
      }
      throw error;
    }
  }

  /** Waits what the server asked for; backoff is added on top by the retry loop. */
  private async waitRetryAfter(error: TransientError): Promise<void> {
    const wait = error.retryAfterMs;
    if (wait === undefined || wait === 0) return;

    if (wait > this.retry.maxRetryAfterMs) {
      const seconds = Math.round(wait / 1000);
      throw new TransientError(`${error.message}; Nexus asked to wait ${seconds}s`);
    }
    await sleep(wait, undefined, { signal: this.signal });
  }

  private async attempt(method: string, path: string, body: unknown): Promise<Answer> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.signal ? AbortSignal.any([this.signal, timeout]) : timeout;
    const headers: Record<string, string> = { 'x-functions-key': this.apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';

    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
      });
      const text = await response.text();
      return { status: response.status, text, json: parseJson(text), headers: response.headers };
    } catch (error) {
      if (this.signal?.aborted) throw new AbortError('the worker is shutting down');
      if (timeout.aborted) throw new TransientError(`no answer within ${this.timeoutMs} ms`);
      throw new TransientError(networkReason(error));
    }
  }
}

function settleOrThrow(answer: Answer, path: string): void {
  const { status } = answer;
  if (status === 401 || status === 403) throw new AbortError(new NexusAuthError(status));
  if (status === 404 || status === 405) {
    throw new AbortError(new NexusEndpointError(status, path.split('?')[0] ?? path));
  }
  if (TRANSIENT_STATUSES.has(status) || status >= 500) {
    const retryAfter = parseRetryAfter(answer.headers.get('retry-after'));
    throw new TransientError(`HTTP ${status}`, retryAfter);
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `HTTP 400: sessionId is not a UUID`, using the answer's error field when it has one. */
function describeAnswer(answer: Answer): string {
  const json = answer.json as { error?: unknown } | undefined;
  const detail = typeof json?.error === 'string' ? json.error : answer.text.slice(0, 200).trim();
  return detail ? `HTTP ${answer.status}: ${detail}` : `HTTP ${answer.status}`;
}

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code} ${cause.message ?? ''}`.trim();
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

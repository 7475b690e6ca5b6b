import { setTimeout as sleep } from 'node:timers/promises';

import pRetry, { AbortError } from 'p-retry';

import type { Logger } from '../worker/logger.js';
import {
  describeAnswer,
  isJsonObject,
  parseJson,
  settleOrThrow,
  type Answer,
} from './answer.js';
import { NexusUnavailableError, TransientError } from './errors.js';
import { AnswerTooLargeError, httpRequest, type HttpAnswer } from './http-request.js';
import { networkReason } from './network-reason.js';
import { StreamedJsonBody, type BodyAttempt } from './streamed-json-body.js';
import type { StreamedText } from './streamed-text.js';

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
  /** Shutdown asked: no further attempt and no more waiting, but a request in flight goes on. */
  stopSignal?: AbortSignal;
  /** The shutdown grace period ran out: abort the request in flight too. */
  abortSignal?: AbortSignal;
}

export interface SessionUpload {
  agentId: string;
  sessionId: string;
  fileName: string;
  sha256: string;
  /** Streamed as the body's last field, so that no copy of a large transcript is ever built. */
  transcript: StreamedText;
}

export type UploadOutcome =
  | { kind: 'stored' }
  | { kind: 'duplicate' }
  | { kind: 'rejected'; status: number; reason: string };

const DEFAULT_RETRY: RetryPolicy = {
  retries: 4,
  minDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

/**
 * Upload and delete answers are a few hundred bytes; a server that echoes the request could send
 * a whole transcript back, escaped, which stays well under this.
 */
const ANSWER_BYTES = 64 * 1024 * 1024;
/** The pending-items list holds whole webhook payloads: large, but not without end. */
const PENDING_ANSWER_BYTES = 256 * 1024 * 1024;
/** Streamed bodies larger than this are announced with `Expect: 100-continue`, as curl does. */
const EXPECT_CONTINUE_BYTES = 1024 * 1024;
/** Base URLs that answered 417 to `Expect: 100-continue`: asked no more while the process runs. */
const refuseExpect = new Set<string>();

/** Talks to the Nexus HTTP API: the key in a header, every request timed out and retried. */
export class NexusClient {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly stopSignal: AbortSignal | undefined;
  private readonly abortSignal: AbortSignal | undefined;
  /** Ends Retry-After waits: shutdown asked, or the grace period ran out. */
  private readonly waitSignal: AbortSignal | undefined;

  constructor(options: NexusClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.log = options.log;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.stopSignal = options.stopSignal;
    this.abortSignal = options.abortSignal;
    const signals = [options.stopSignal, options.abortSignal].filter((signal) => !!signal);
    this.waitSignal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
  }

  async uploadSession(upload: SessionUpload): Promise<UploadOutcome> {
    const { transcript, ...fields } = upload;
    const body = new StreamedJsonBody(fields, 'transcript', transcript);
    const answer = await this.send('POST', '/sessions', body, (reply) => {
      if (reply.status === 200 && reply.json === undefined) {
        throw new TransientError('HTTP 200 with an answer that is not JSON');
      }
      // `null` or `"ok"` is not Nexus saying it stored the file: archiving on it could lose one.
      if (reply.status === 200 && !isJsonObject(reply.json)) {
        throw new TransientError('HTTP 200 with an answer that is not a JSON object');
      }
    });

    if (answer.status >= 200 && answer.status < 300) return { kind: 'stored' };
    if (answer.status === 409) return { kind: 'duplicate' };
    const reason = describeAnswer(answer, this.apiKey);
    return { kind: 'rejected', status: answer.status, reason };
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
      throw new Error(`pending items request answered ${describeAnswer(answer, this.apiKey)}`);
    }
    return answer.json;
  }

  async deleteItems(ids: readonly string[]): Promise<void> {
    const answer = await this.send('DELETE', '/webhook/items', { ids });
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(`delete request answered ${describeAnswer(answer, this.apiKey)}`);
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
    // What the last failed attempt ran into: a stop between attempts must not hide it.
    let lastReason: string | undefined;

    try {
      return await pRetry(
        async () => {
          if (attempts > 0 && this.stopSignal?.aborted) {
            const stopped =
              lastReason === undefined
                ? 'the worker is shutting down'
                : new NexusUnavailableError(what, attempts, lastReason);
            throw new AbortError(stopped);
          }
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
          // Only the hard signal: p-retry would throw away an answer that arrived after a stop.
          signal: this.abortSignal,
          shouldRetry: ({ error }) => error instanceof TransientError && !this.waitSignal?.aborted,
          onFailedAttempt: async ({ error, retriesLeft }) => {
            if (error instanceof TransientError) lastReason = error.message;
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
    await sleep(wait, undefined, { signal: this.waitSignal });
  }

  private async attempt(method: string, path: string, body: unknown): Promise<Answer> {
    // A timer of our own, not AbortSignal.timeout: that one is unref'd, and a request stuck on a
    // dropped connection would then let the process exit with the run unfinished.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
    const signals = [timeout.signal, this.abortSignal].filter((signal) => !!signal);
    const streamed = body instanceof StreamedJsonBody ? body.open() : undefined;
    const { headers, payload } = requestParts(this.apiKey, body, streamed);
    const large = body instanceof StreamedJsonBody && body.length > EXPECT_CONTINUE_BYTES;
    const expectContinue = large && !refuseExpect.has(this.baseUrl);

    let answer: HttpAnswer;
    try {
      answer = await httpRequest(new URL(`${this.baseUrl}${path}`), {
        method,
        headers,
        body: payload,
        signal: AbortSignal.any(signals),
        maxAnswerBytes: method === 'GET' ? PENDING_ANSWER_BYTES : ANSWER_BYTES,
        expectContinue,
      });
    } catch (error) {
      // A transcript that could not be read again is no reason to retry: the caller decides.
      const sourceError = streamed?.sourceError();
      if (sourceError instanceof Error) throw new AbortError(sourceError);
      // An answer past any size Nexus sends will not shrink on a retry.
      if (error instanceof AnswerTooLargeError) throw new AbortError(error);
      if (this.abortSignal?.aborted) throw new AbortError('the worker is shutting down');
      if (timeout.signal.aborted) throw new TransientError(`no answer within ${this.timeoutMs} ms`);
      throw new TransientError(networkReason(error));
    } finally {
      clearTimeout(timer);
    }

    if (answer.status === 417 && expectContinue) {
      // Not an attempt that failed: the same request again at once, as the server wants it.
      refuseExpect.add(this.baseUrl);
      return this.attempt(method, path, body);
    }
    return { ...answer, json: parseJson(answer.text) };
  }
}

/** The headers and body of one attempt; every body goes with its length. */
function requestParts(apiKey: string, body: unknown, streamed: BodyAttempt | undefined) {
  const headers: Record<string, string> = { 'x-functions-key': apiKey };
  if (body === undefined) return { headers, payload: undefined };

  headers['content-type'] = 'application/json';
  if (streamed && body instanceof StreamedJsonBody) {
    headers['content-length'] = String(body.length);
    return { headers, payload: streamed.chunks };
  }
  const payload = JSON.stringify(body);
  headers['content-length'] = String(Buffer.byteLength(payload));
  return { headers, payload };
}

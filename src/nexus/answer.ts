/**
 * What a Nexus answer means for the request that got it: settled, refused for good, or worth
 * another attempt; and how to quote it in a log line without the key.
 */
import { AbortError } from 'p-retry';

import { redact } from '../worker/logger.js';
import {
  NexusAuthError,
  NexusEndpointError,
  NexusRedirectError,
  TransientError,
} from './errors.js';
import type { HttpAnswer } from './http-request.js';
import { parseRetryAfter } from './retry-after.js';

export interface Answer extends HttpAnswer {
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
}

const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Answers that settle the request (2xx, 409, other 4xx) pass; 401/403 and 404/405 throw their
 * own errors, which end the retries; the rest throw a TransientError, which is retried.
 */
export function settleOrThrow(answer: Answer, path: string): void {
  const { status } = answer;
  if (status === 401 || status === 403) throw new AbortError(new NexusAuthError(status));
  const where = path.split('?')[0] ?? path;
  if (status === 404 || status === 405) throw new AbortError(new NexusEndpointError(status, where));
  if (status >= 300 && status < 400) {
    const location = redirectTarget(answer.header('location'));
    throw new AbortError(new NexusRedirectError(status, where, location));
  }
  if (TRANSIENT_STATUSES.has(status) || status >= 500) {
    const retryAfter = parseRetryAfter(answer.header('retry-after'));
    throw new TransientError(`HTTP ${status}`, retryAfter);
  }
}

/** Where a redirect points, without its query: enough to fix the config, nothing more. */
function redirectTarget(location: string | undefined): string | undefined {
  return location ? location.split(/[?#]/)[0] : undefined;
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `HTTP 400: sessionId is not a UUID`, using the answer's error field when it has one. A server
 * that echoes the request may quote the key; the reason ends up in logs and state files.
 */
export function describeAnswer(answer: Answer, apiKey: string): string {
  const json = answer.json as { error?: unknown } | undefined;
  const error = typeof json?.error === 'string' ? json.error : undefined;
  // Masked before it is cut short, so that no cut leaves a piece of the key behind.
  const masked = redact(error ?? answer.text, [apiKey]);
  const detail = error === undefined ? masked.slice(0, 200).trim() : masked;
  return detail ? `HTTP ${answer.status}: ${detail}` : `HTTP ${answer.status}`;
}

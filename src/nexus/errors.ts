import { plural } from '../worker/plural.js';

/** Nexus refused the key (401 or 403): every further request would fail the same way. */
export class NexusAuthError extends Error {
  readonly status: number;

  constructor(status: number) {
    super(
      `Nexus refused the API key (HTTP ${status}); check apiKey in the config or NEXUS_API_KEY`,
    );
    this.name = 'NexusAuthError';
    this.status = status;
  }
}

/** The URL does not lead to a Nexus endpoint (404 or 405): a config problem, not a file problem. */
export class NexusEndpointError extends Error {
  readonly status: number;

  constructor(status: number, path: string) {
    super(`Nexus answered HTTP ${status} for ${path}; check that url ends with /api`);
    this.name = 'NexusEndpointError';
    this.status = status;
  }
}

/**
 * Nexus answered with a redirect. Following it would send the API key, and a transcript, to
 * wherever it points, and a POST turned into a GET could pass for an upload: never followed.
 */
export class NexusRedirectError extends Error {
  readonly status: number;

  constructor(status: number, path: string, location: string | undefined) {
    const where = location ? ` to ${location}` : '';
    super(
      `Nexus answered HTTP ${status} for ${path}, a redirect${where}, which the worker does ` +
        'not follow; set url to the address Nexus serves itself',
    );
    this.name = 'NexusRedirectError';
    this.status = status;
  }
}

/** Nexus could not be reached, or kept failing, through every retry. */
export class NexusUnavailableError extends Error {
  constructor(what: string, attempts: number, lastReason: string) {
    super(`${what} failed after ${plural(attempts, 'attempt')}: ${lastReason}`);
    this.name = 'NexusUnavailableError';
  }
}

/** A failure worth another attempt: network trouble, timeouts, 408, 429, 5xx, a garbled answer. */
export class TransientError extends Error {
  readonly retryAfterMs: number | undefined;

  constructor(reason: string, retryAfterMs?: number) {
    super(reason);
    this.name = 'TransientError';
    this.retryAfterMs = retryAfterMs;
  }
}

/** True when the run should stop instead of moving on to the next file or item. */
export function isRunFatal(error: unknown): boolean {
  return (
    error instanceof NexusAuthError ||
    error instanceof NexusEndpointError ||
    error instanceof NexusRedirectError ||
    error instanceof NexusUnavailableError
  );
}

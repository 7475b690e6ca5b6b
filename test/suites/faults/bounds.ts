/**
 * What "bounded" means for a run under faults: how many attempts one request may take, and how
 * long a run may last, both computed from the retry settings the run was given.
 */

import assert from 'node:assert/strict';

import type { FaultProxy, SeenRequest } from './fault-proxy.js';

/** The config's network settings. */
export interface NetworkSettings {
  requestTimeoutSeconds: number;
  retry: { retries: number; minDelaySeconds: number; maxDelaySeconds: number };
}

/**
 * Short retry waits, so a run meeting faults ends quickly; a timeout long enough that a request
 * Nexus answers is never cut off on a busy machine (the first request of a process alone loads
 * Node's HTTP client), since that would add attempts no fault asked for.
 */
export const QUICK_NETWORK: NetworkSettings = {
  requestTimeoutSeconds: 1.5,
  retry: { retries: 2, minDelaySeconds: 0.02, maxDelaySeconds: 0.05 },
};

/** Starting node, loading the config and scanning folders: generous, for a busy 2-core machine. */
const PROCESS_ALLOWANCE_MS = 6000;

/** Time between requests spent on files and the ledger, per logical request. */
const WORK_ALLOWANCE_MS = 300;

/** Timers and sockets on a busy machine run late; this much lateness is not a retry storm. */
const JITTER_ALLOWANCE_MS = 1000;

export interface WorstCase {
  /** Logical requests (one file's upload, one pull, one delete batch) made one after another. */
  requests: number;
  /** Of those, how many meet a fault: each may use up every attempt; the others succeed at once. */
  faulted: number;
  /** Longest Retry-After the server asks for, waited before each retry of a failing request. */
  retryAfterMs?: number;
}

/**
 * The longest the network part of a run may take: every attempt of a faulted request runs into
 * the timeout and waits the longest backoff and Retry-After before the next attempt.
 */
export function networkBoundMs(settings: NetworkSettings, worst: WorstCase): number {
  const { retries, maxDelaySeconds } = settings.retry;
  const attemptMs = settings.requestTimeoutSeconds * 1000;
  const waitMs = maxDelaySeconds * 1000 + (worst.retryAfterMs ?? 0);
  const faultedMs = (retries + 1) * attemptMs + retries * waitMs;
  return worst.faulted * faultedMs + worst.requests * WORK_ALLOWANCE_MS + JITTER_ALLOWANCE_MS;
}

/**
 * The span from the first request the proxy saw to the end of the last exchange: the run's
 * network time, without process start-up.
 */
export function networkSpanMs(proxy: FaultProxy, since = 0): number {
  const seen = proxy.seen.slice(since);
  const first = seen[0];
  if (!first) return 0;
  const last = Math.max(...seen.map((request) => request.endedAt ?? Date.now()));
  return last - first.arrivedAt;
}

/** Both the run's network time, as the proxy saw it, and its whole time are within bounds. */
export function assertRunTimeBounded(
  proxy: FaultProxy,
  since: number,
  elapsedMs: number,
  settings: NetworkSettings,
  worst: WorstCase,
): void {
  const bound = networkBoundMs(settings, worst);
  const span = networkSpanMs(proxy, since);
  assert.ok(span <= bound, `the run talked to Nexus for ${span} ms; the bound is ${bound} ms`);
  assertElapsedBounded(elapsedMs, settings, worst);
}

/** The whole run, process start included, for runs whose requests the proxy never saw. */
export function assertElapsedBounded(
  elapsedMs: number,
  settings: NetworkSettings,
  worst: WorstCase,
): void {
  const total = networkBoundMs(settings, worst) + PROCESS_ALLOWANCE_MS;
  assert.ok(elapsedMs <= total, `the run took ${elapsedMs} ms; the bound is ${total} ms`);
}

/**
 * No logical request took more than `retries + 1` attempts. Attempts of one logical request
 * carry the same body (one file's upload, one batch of ids), so they are grouped by it.
 */
export function assertAttemptsBounded(requests: SeenRequest[], retries: number): void {
  for (const [body, count] of attemptsByBody(requests)) {
    const what = body.length > 120 ? `${body.slice(0, 120)}…` : body;
    assert.ok(count <= retries + 1, `${count} attempts (more than ${retries + 1}) of ${what}`);
  }
}

function attemptsByBody(requests: SeenRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { body } of requests) {
    if (body === undefined) continue;
    counts.set(body, (counts.get(body) ?? 0) + 1);
  }
  return counts;
}

/** A proxy that failed on its own would pass off a broken test as a fault: none may have. */
export function assertProxyHealthy(proxy: FaultProxy): void {
  const failed = proxy.seen.filter((seen) => seen.proxyError !== undefined);
  assert.deepEqual(
    failed.map((seen) => `${seen.route}: ${seen.proxyError}`),
    [],
    'the fault proxy itself failed',
  );
}

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; elapsedMs: number }> {
  const start = Date.now();
  const value = await work();
  return { value, elapsedMs: Date.now() - start };
}

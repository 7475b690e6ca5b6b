export type Settled<T> = { done: true; value: T } | { done: false };

export interface GracePeriod {
  /**
   * Waits for `work`. Until a shutdown signal that takes as long as it takes; once the signal
   * came, only until the grace period after it ran out, then answers `{ done: false }`.
   */
  wait<T>(work: Promise<T>): Promise<Settled<T>>;
}

/** The bounded time the work in flight gets after SIGINT or SIGTERM. */
export function startGracePeriod(signal: AbortSignal, graceMs: number): GracePeriod {
  const over = new Promise<{ done: false }>((resolve) => {
    const startCountdown = () => {
      const timer = setTimeout(() => resolve({ done: false }), graceMs);
      // The countdown alone must not keep a worker alive that has finished everything else.
      timer.unref();
    };
    if (signal.aborted) startCountdown();
    else signal.addEventListener('abort', startCountdown, { once: true });
  });

  return {
    wait: (work) =>
      Promise.race([work.then((value) => ({ done: true as const, value })), over]),
  };
}

/**
 * A signal that fires `graceMs` after `signal`: work in flight may finish within the grace
 * period, and is cut off when it runs out.
 */
export function abortWhenGraceEnds(signal: AbortSignal, graceMs: number): AbortSignal {
  const controller = new AbortController();
  const startCountdown = () => {
    const timer = setTimeout(() => controller.abort(), graceMs);
    timer.unref();
  };
  if (signal.aborted) startCountdown();
  else signal.addEventListener('abort', startCountdown, { once: true });
  return controller.signal;
}

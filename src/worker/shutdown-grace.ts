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

/** The signals one run works under, tied to the process's shutdown signal for that run only. */
export interface RunSignals {
  /** Fires with the shutdown signal: start nothing new. */
  stop: AbortSignal;
  /** Fires `graceMs` after the shutdown signal: cut off the work in flight. */
  abort: AbortSignal;
  /** Unties them from the shutdown signal; call it when the run is over. */
  release(): void;
}

/**
 * Per-run signals that follow the process-wide `shutdown` signal through one listener, removed
 * when the run ends. A daemon runs jobs for months: a listener or an `AbortSignal.any` on the
 * long-lived signal for every run would pile up (Node warns after 10, and keeps them all).
 */
export function runSignals(shutdown: AbortSignal, graceMs: number): RunSignals {
  const stop = new AbortController();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const onShutdown = () => {
    stop.abort();
    timer = setTimeout(() => abort.abort(), graceMs);
    // The countdown alone must not keep a worker alive that has finished everything else.
    timer.unref();
  };

  if (shutdown.aborted) onShutdown();
  else shutdown.addEventListener('abort', onShutdown, { once: true });

  return {
    stop: stop.signal,
    abort: abort.signal,
    release: () => {
      shutdown.removeEventListener('abort', onShutdown);
      clearTimeout(timer);
    },
  };
}

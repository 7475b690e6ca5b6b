import { constants } from 'node:os';

import type { Logger } from './logger.js';

/** Default time the run and notifications in flight get after SIGINT or SIGTERM. */
export const DEFAULT_GRACE_SECONDS = 30;

export interface Shutdown {
  /** Aborted at the first SIGINT or SIGTERM: start nothing new, finish what is in flight. */
  readonly signal: AbortSignal;
  /**
   * Runs `cleanup` when the process exits, however it exits (it must be synchronous). Returns
   * a function that forgets it again, for a cleanup done the ordinary way.
   */
  atExit(cleanup: () => void): () => void;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * Turns the first SIGINT or SIGTERM into an aborted signal. A second one exits at once with
 * 128 + the signal's number, as a shell reports a process killed by it; the exit cleanups
 * still run (locks released, notifier programs killed).
 */
export function handleShutdownSignals(log: Logger): Shutdown {
  const controller = new AbortController();
  const cleanups = new Set<() => void>();

  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log.warn(`Received ${signal} again: stopping at once`);
      process.exit(128 + (constants.signals[signal] ?? 15));
    }
    log.info(`Received ${signal}: finishing the work in flight, then stopping`);
    controller.abort();
  };
  const onExit = () => {
    for (const cleanup of cleanups) {
      try {
        cleanup();
      } catch {
        // The process is exiting; one failed cleanup must not skip the others.
      }
    }
  };

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);

  return {
    signal: controller.signal,
    atExit: (cleanup) => {
      cleanups.add(cleanup);
      return () => cleanups.delete(cleanup);
    },
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', onExit);
    },
  };
}

import { NexusUnavailableError, isRunFatal } from '../nexus/errors.js';

/** Why a run stopped when the stop signal, and nothing else we know of, ended its work. */
export const SHUTTING_DOWN = 'the worker is shutting down';

/**
 * Why a request to Nexus ended without an answer once the worker was asked to stop; undefined
 * when no stop was asked, or when Nexus refused the request outright (a refused key is news even
 * during a stop). The failures that came before the stop are kept: "Nexus is down" is what a
 * person needs to read, more than that the worker stopped.
 */
export function stoppedRequestReason(error: unknown, signal: AbortSignal): string | undefined {
  if (!signal.aborted) return undefined;

  if (error instanceof NexusUnavailableError) return `${error.message}; stopped by shutdown`;
  if (isRunFatal(error)) return undefined;
  return SHUTTING_DOWN;
}

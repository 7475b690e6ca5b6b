import { errorMessage } from '../worker/errors.js';

/** Why a fetch got no answer: `ECONNREFUSED connect …` rather than "fetch failed". */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code} ${cause.message ?? ''}`.trim();
  if (cause?.message) return cause.message;
  return errorMessage(error);
}

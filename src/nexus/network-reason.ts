import { errorMessage } from '../worker/errors.js';

/**
 * Why a request got no answer, code first: `ECONNREFUSED connect …` rather than "fetch failed"
 * (fetch keeps the reason in `cause`) or "socket hang up" (node:http keeps it in `code`).
 */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code} ${cause.message ?? ''}`.trim();
  if (cause?.message) return cause.message;

  const code = (error as { code?: unknown }).code;
  const message = errorMessage(error);
  if (typeof code !== 'string' || message.startsWith(code)) return message;
  return `${code} ${message.replace(`${code} `, '')}`;
}

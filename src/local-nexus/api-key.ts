/**
 * The function key check, as Azure Functions does it: the key may come in the
 * `x-functions-key` header or the `code` query parameter. Both sides are hashed before the
 * constant-time comparison so that neither the key's content nor its length leaks through timing.
 */

import { createHash, timingSafeEqual } from 'node:crypto';

import type { FastifyReply, FastifyRequest } from 'fastify';

export const API_KEY_HEADER = 'x-functions-key';
export const API_KEY_QUERY_PARAMETER = 'code';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The key a request offers: the header when present, else `?code=`; undefined when neither. */
export function offeredKey(request: FastifyRequest): string | undefined {
  const header = request.headers[API_KEY_HEADER];
  if (typeof header === 'string') return header;

  const query = request.query as Record<string, unknown> | undefined;
  const code = query?.[API_KEY_QUERY_PARAMETER];
  return typeof code === 'string' ? code : undefined;
}

/** An `onRequest` hook answering 401 unless the request carries `expectedKey`. */
export function requireApiKey(expectedKey: string) {
  const expectedDigest = digest(expectedKey);

  // Answering from an async hook requires returning the reply, which stops the request there.
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> => {
    const key = offeredKey(request);
    if (key === undefined) {
      const error = `missing API key: send it in the ${API_KEY_HEADER} header`;
      return reply.code(401).send({ error });
    }

    if (!timingSafeEqual(digest(key), expectedDigest)) {
      return reply.code(401).send({ error: 'wrong API key' });
    }
  };
}

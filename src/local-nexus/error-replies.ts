/**
 * Every answer other than a success is JSON `{"error": …}`. Client mistakes keep their 4xx status
 * and say what to change; anything unexpected becomes a 500 whose details go to the server's log
 * only, so that nothing internal reaches a client.
 */

import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';

import type { Logger } from '../worker/logger.js';

/** A request the server refuses; thrown from a route and answered with `statusCode`. */
export class ClientError extends Error {
  readonly statusCode: number;

  constructor(statusCode: number, message: string) {
    super(message);
    this.name = 'ClientError';
    this.statusCode = statusCode;
  }
}

/** The request's path without its query string, which may hold the key as `?code=`. */
export function requestPath(request: FastifyRequest): string {
  const queryStart = request.url.indexOf('?');
  return queryStart === -1 ? request.url : request.url.slice(0, queryStart);
}

/** Fastify's own messages name its internals; these say what the client should send instead. */
function clientErrorMessage(error: FastifyError, request: FastifyRequest): string {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported Content-Type: send the body as application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the request body is empty: send a JSON document';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'the request body is not valid JSON';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `the request body is larger than ${request.routeOptions.bodyLimit} bytes`;
    default:
      return error.message;
  }
}

export function installErrorReplies(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.code(status).send({ error: clientErrorMessage(error, request) });
    }

    const details = error.stack ?? error.message;
    logger.error(`${request.method} ${requestPath(request)} failed: ${details}`);
    return reply
      .code(500)
      .send({ error: 'internal error in the local Nexus server; its log has the details' });
  });

  app.setNotFoundHandler((request, reply) => {
    const error = `no route for ${request.method} ${requestPath(request)}`;
    return reply.code(404).send({ error });
  });
}

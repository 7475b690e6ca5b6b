/**
 * `POST /sessions` stores a transcript; the two listings let people, tests and the demo see
 * what was stored. The same content twice is a 409, as on the reference server; a different
 * transcript of a known session becomes its next version instead of colliding.
 */

import type { FastifyInstance } from 'fastify';

import { ClientError } from './error-replies.js';
import { MAX_SESSION_REQUEST_BYTES, parseSessionUpload } from './session-upload.js';
import type { NexusStore } from './store.js';

interface SessionListQuery {
  agentId?: unknown;
}

interface SessionParams {
  agentId: string;
  sessionId: string;
}

export function registerSessionRoutes(app: FastifyInstance, store: NexusStore): void {
  app.post('/sessions', { bodyLimit: MAX_SESSION_REQUEST_BYTES }, async (request, reply) => {
    const upload = parseSessionUpload(request.body);

    const outcome = store.saveSession({ ...upload, storedAt: new Date().toISOString() });
    if (outcome.kind === 'duplicate') {
      return reply.code(409).send({ error: 'Session already exists', sessionId: upload.sessionId });
    }

    const { session } = outcome;
    return {
      status: 'ok',
      sessionId: session.sessionId,
      stored: session.storedAt,
      bytes: session.bytes,
      version: session.version,
    };
  });

  app.get<{ Querystring: SessionListQuery }>('/sessions', async (request) => {
    const { agentId } = request.query;
    if (agentId !== undefined && typeof agentId !== 'string') {
      throw new ClientError(400, 'agentId must be given at most once');
    }
    return { sessions: store.listSessions(agentId) };
  });

  app.get<{ Params: SessionParams }>('/sessions/:agentId/:sessionId', async (request) => {
    const { agentId, sessionId } = request.params;

    const versions = store.sessionVersions(agentId, sessionId);
    if (versions.length === 0) {
      throw new ClientError(404, `no session ${sessionId} stored for agent ${agentId}`);
    }
    return { agentId, sessionId, versions };
  });
}

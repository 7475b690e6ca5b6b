/**
 * The webhook side of Nexus: external services (or tests, or the demo) post items for an agent;
 * the worker pulls the pending ones and deletes what it has delivered. Ids and sources are
 * stored exactly as given, however hostile, because the worker must cope with any of them.
 */

import { randomBytes } from 'node:crypto';

import type { FastifyInstance } from 'fastify';

import { MAX_NESTING_DEPTH, nestsDeeperThan } from '../json/nesting-depth.js';
import { ClientError } from './error-replies.js';
import type { NexusStore } from './store.js';

export const MAX_WEBHOOK_BYTES = 1024 * 1024;

interface IngestRequest {
  Params: { agentId: string; source: string };
  Querystring: { id?: unknown };
}

interface PendingRequest {
  Querystring: { agentId?: unknown };
}

function nonEmptyString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new ClientError(400, `${what} must be one non-empty string`);
  }
  return value;
}

/** An id that sorts by arrival and holds `:` like the ids of the reference server. */
function newItemId(receivedAt: string): string {
  return `${receivedAt}_${randomBytes(6).toString('hex')}`;
}

function idsToDelete(body: unknown): string[] {
  const isObject = typeof body === 'object' && body !== null;
  const ids = isObject ? (body as { ids?: unknown }).ids : undefined;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new ClientError(400, 'the body must be {"ids": [...]} with an array of strings');
  }
  return ids as string[];
}

export function registerWebhookRoutes(app: FastifyInstance, store: NexusStore): void {
  app.post<IngestRequest>(
    '/webhook/:agentId/:source',
    { bodyLimit: MAX_WEBHOOK_BYTES },
    async (request, reply) => {
      const agentId = nonEmptyString(request.params.agentId, 'the agent id in the path');
      const source = nonEmptyString(request.params.source, 'the source in the path');
      const chosenId = request.query.id;
      if (request.body === undefined) {
        throw new ClientError(400, 'send the webhook payload as a JSON body');
      }
      if (nestsDeeperThan(request.body, MAX_NESTING_DEPTH)) {
        throw new ClientError(
          400,
          `the payload is nested too deep: more than ${MAX_NESTING_DEPTH} levels of arrays ` +
            'and objects',
        );
      }

      const receivedAt = new Date().toISOString();
      const item = { agentId, source, receivedAt, payload: request.body };
      if (chosenId !== undefined) {
        const id = nonEmptyString(chosenId, 'the id query parameter');
        if (!store.addWebhookItem({ ...item, id })) {
          throw new ClientError(409, 'a webhook item with this id exists already');
        }
        return reply.code(201).send({ id });
      }

      let id = newItemId(receivedAt);
      while (!store.addWebhookItem({ ...item, id })) id = newItemId(receivedAt);
      return reply.code(201).send({ id });
    },
  );

  app.get<PendingRequest>('/webhook/pending', async (request) => {
    const agentId = nonEmptyString(request.query.agentId, 'the agentId query parameter');
    return { [agentId]: store.pendingWebhookItems(agentId) };
  });

  app.delete('/webhook/items', async (request) => {
    const ids = idsToDelete(request.body);
    return { deleted: store.deleteWebhookItems(ids, new Date().toISOString()) };
  });
}

/**
 * The local Nexus server: the HTTP API of docs/nexus-api.md under `/api`, on a SQLite store.
 * `createLocalNexus` opens the store and listens, for the bin, the demo and in-process tests;
 * `buildLocalNexusApp` only assembles the routes around a store the caller owns.
 */

import fastify, { type FastifyInstance } from 'fastify';

import { createLogger, type Logger } from '../worker/logger.js';
import { requireApiKey } from './api-key.js';
import { installErrorReplies, requestPath } from './error-replies.js';
import { registerSessionRoutes } from './session-routes.js';
import { NexusStore } from './store.js';
import { registerWebhookRoutes } from './webhook-routes.js';

export const API_PREFIX = '/api';

export interface LocalNexusAppOptions {
  store: NexusStore;
  apiKey: string;
  /** Gets one debug line per answered request and the details of every 500; quiet otherwise. */
  logger?: Logger;
}

export interface LocalNexusOptions {
  /** Folder of `nexus.sqlite`; created when missing. */
  dataDir: string;
  apiKey: string;
  /** Loopback unless asked otherwise: the server is meant for one machine. */
  host?: string;
  /** 0 picks a free port; the chosen one is in the result. */
  port?: number;
  logger?: Logger;
}

export interface LocalNexus {
  /** Base URL of the API, ending in `/api`, as a worker config's `url` expects. */
  url: string;
  host: string;
  port: number;
  dataDir: string;
  store: NexusStore;
  /** Stops listening, waits for open requests, then closes the store. */
  close(): Promise<void>;
}

export function buildLocalNexusApp(options: LocalNexusAppOptions): FastifyInstance {
  if (options.apiKey.length === 0) {
    throw new Error('the local Nexus server needs a non-empty API key');
  }
  const logger = options.logger ?? createLogger({}, 'nexus-local');

  // Payloads are stored verbatim and never merged into other objects, so a `__proto__` key
  // is harmless here; keeping it lets tests send the worker such hostile payloads.
  const app = fastify({
    logger: false,
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    // Webhook sources come from outside services; long ones must still be accepted.
    routerOptions: { maxParamLength: 1000 },
  });
  // Without the plain-text parser, a body not sent as JSON is a clear 415 rather than a string
  // that each route would have to refuse on its own.
  app.removeContentTypeParser('text/plain');
  installErrorReplies(app, logger);
  app.addHook('onResponse', async (request, reply) => {
    logger.debug(`${request.method} ${requestPath(request)} ${reply.statusCode}`);
  });

  app.register(
    async (api) => {
      api.get('/health', async () => ({ status: 'ok' }));

      await api.register(async (secured) => {
        secured.addHook('onRequest', requireApiKey(options.apiKey));
        registerSessionRoutes(secured, options.store);
        registerWebhookRoutes(secured, options.store);
      });
    },
    { prefix: API_PREFIX },
  );
  return app;
}

function baseUrl(host: string, port: number): string {
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return `http://${hostInUrl}:${port}${API_PREFIX}`;
}

export async function createLocalNexus(options: LocalNexusOptions): Promise<LocalNexus> {
  const host = options.host ?? '127.0.0.1';
  const store = NexusStore.open(options.dataDir);

  let app: FastifyInstance;
  try {
    app = buildLocalNexusApp({ store, apiKey: options.apiKey, logger: options.logger });
  } catch (error) {
    store.close();
    throw error;
  }
  app.addHook('onClose', async () => store.close());
  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (error) {
    await app.close();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the local Nexus server could not listen on ${host}: ${reason}`, {
      cause: error,
    });
  }

  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: baseUrl(host, port),
    host,
    port,
    dataDir: options.dataDir,
    store,
    close: () => app.close(),
  };
}

/**
 * Starts the local Nexus server in-process for a test: a fresh temp data folder, a random key,
 * a free port. `close()` stops the server and removes the folder it made.
 */

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLocalNexus } from '../../src/local-nexus/server.js';
import type {
  NexusStore,
  StoredSession,
  StoredSessionVersion,
  WebhookItem,
} from '../../src/local-nexus/store.js';
import type { Logger } from '../../src/worker/logger.js';

export interface StartLocalNexusOptions {
  /** A key of your own; a random one otherwise. */
  apiKey?: string;
  /** Reuse a folder (e.g. to restart on the same data); it is then not removed on close. */
  dataDir?: string;
  logger?: Logger;
}

export interface JsonAnswer {
  status: number;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  body: unknown;
  headers: Headers;
}

export interface TestNexus {
  /** Base URL ending in `/api`, ready for a worker config's `url`. */
  url: string;
  apiKey: string;
  dataDir: string;
  store: NexusStore;
  /** Sends a request with the key in the header and `body` as JSON when given. */
  send(method: string, path: string, body?: unknown): Promise<JsonAnswer>;
  /** Ingests one webhook over HTTP and answers the id the server reports. */
  addWebhookItem(agentId: string, source: string, payload: unknown, id?: string): Promise<string>;
  pendingItems(agentId: string): WebhookItem[];
  sessions(agentId?: string): StoredSession[];
  sessionVersions(agentId: string, sessionId: string): StoredSessionVersion[];
  close(): Promise<void>;
}

export async function readJsonAnswer(response: Response): Promise<JsonAnswer> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, headers: response.headers };
}

export async function startLocalNexus(options: StartLocalNexusOptions = {}): Promise<TestNexus> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'local-nexus-test-')));
  const apiKey = options.apiKey ?? randomBytes(16).toString('hex');

  const nexus = await createLocalNexus({ dataDir, apiKey, logger: options.logger });

  const send = async (method: string, path: string, body?: unknown): Promise<JsonAnswer> => {
    const headers: Record<string, string> = { 'x-functions-key': apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return readJsonAnswer(await fetch(`${nexus.url}${path}`, { method, headers, body: payload }));
  };

  const addWebhookItem = async (
    agentId: string,
    source: string,
    payload: unknown,
    id?: string,
  ): Promise<string> => {
    const query = id === undefined ? '' : `?id=${encodeURIComponent(id)}`;
    const path = `/webhook/${encodeURIComponent(agentId)}/${encodeURIComponent(source)}${query}`;
    const answer = await send('POST', path, payload);
    if (answer.status !== 201) {
      throw new Error(`webhook ingest answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    return (answer.body as { id: string }).id;
  };

  return {
    url: nexus.url,
    apiKey,
    dataDir,
    store: nexus.store,
    send,
    addWebhookItem,
    pendingItems: (agentId) => nexus.store.pendingWebhookItems(agentId),
    sessions: (agentId) => nexus.store.listSessions(agentId),
    sessionVersions: (agentId, sessionId) => nexus.store.sessionVersions(agentId, sessionId),
    close: async () => {
      await nexus.close();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

import { readPendingAnswer } from '../../jobs/webhook-pull/pending-items.js';
import { NexusClient } from '../../nexus/client.js';
import {
  NexusAuthError,
  NexusEndpointError,
  NexusRedirectError,
  NexusUnavailableError,
} from '../../nexus/errors.js';
import type { Config } from '../../worker/config-schema.js';
import { errorMessage } from '../../worker/errors.js';
import type { Logger } from '../../worker/logger.js';
import type { Checklist } from './checklist.js';

export const NEXUS_SUBJECT = 'nexus';
export const KEY_SUBJECT = 'api key';

const NOT_CHECKED = 'the API key was not checked';

/**
 * Reaches Nexus and has it judge the key, with a request that changes nothing: the pending
 * webhook items of an agent from the config. Tried once: a check should answer promptly.
 */
export async function checkNexus(config: Config, log: Logger, list: Checklist): Promise<void> {
  const agentId = agentToAsk(config);
  const request = `GET /webhook/pending?agentId=${agentId}`;
  const nexus = new NexusClient({
    baseUrl: config.url,
    apiKey: config.apiKey,
    log,
    timeoutMs: config.requestTimeoutSeconds * 1000,
    retry: { retries: 0 },
  });

  let answer: unknown;
  try {
    answer = await nexus.fetchPending(agentId);
  } catch (error) {
    reportFailure(error, config.url, request, list);
    return;
  }

  list.ok(NEXUS_SUBJECT, `${config.url} answers`);
  const pending = readPendingAnswer(answer, agentId);
  if (pending.ok) {
    list.ok(KEY_SUBJECT, `accepted: ${request} answered 200 (nothing was changed)`);
  } else {
    list.warn(
      KEY_SUBJECT,
      `${request} answered 200 but not with a list of pending items (${pending.reason}): ` +
        'check that url is the Nexus API',
    );
  }
}

function reportFailure(error: unknown, url: string, request: string, list: Checklist): void {
  if (error instanceof NexusAuthError) {
    list.ok(NEXUS_SUBJECT, `${url} answers`);
    list.fail(
      KEY_SUBJECT,
      `refused: ${request} answered HTTP ${error.status}; check apiKey in the config, ` +
        'or NEXUS_API_KEY, or the nexus-api-key credential',
    );
  } else if (error instanceof NexusEndpointError) {
    list.fail(
      NEXUS_SUBJECT,
      `${url} answered HTTP ${error.status} to ${request}: url is not the Nexus API; it ends ` +
        `with /api, as in https://example.azurewebsites.net/api (${NOT_CHECKED})`,
    );
  } else if (error instanceof NexusRedirectError) {
    list.fail(NEXUS_SUBJECT, `${error.message} (${NOT_CHECKED})`);
  } else if (error instanceof NexusUnavailableError) {
    list.fail(
      NEXUS_SUBJECT,
      `no usable answer from ${url}: ${error.message}; check url, the network, and whether ` +
        `Nexus is up (${NOT_CHECKED})`,
    );
  } else {
    list.fail(NEXUS_SUBJECT, `${request}: ${errorMessage(error)} (${NOT_CHECKED})`);
  }
}

/** Any agent of the config will do; a webhook_pull job's is the one whose items are asked. */
function agentToAsk(config: Config): string {
  const job = config.jobs.find((candidate) => candidate.type === 'webhook_pull') ?? config.jobs[0];
  return (job?.args as { agentId?: string } | undefined)?.agentId ?? 'main';
}

import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

import { removeStaleTemps } from '../../fs/move-into-folder.js';
import { errorCode, errorMessage } from '../../worker/errors.js';
import type { JobResult } from '../../worker/job-result.js';
import type { Logger } from '../../worker/logger.js';
import { plural } from '../../worker/plural.js';
import type { JobContext, JobType } from '../job-type.js';
import { stoppedRequestReason } from '../stopped-request.js';
import { deliverItems } from './deliver-items.js';
import { forgetExpired, loadLedger } from './delivery-ledger.js';
import { dryRunDelivery } from './dry-run.js';
import { finishInterrupted } from './finish-interrupted.js';
import { markDelivered } from './mark-delivered.js';
import { readPendingAnswer, type PendingAnswer } from './pending-items.js';
import { addNote, newTally, type RunTally } from './run-tally.js';
import { screenItems } from './screen-items.js';
import {
  webhookPullArgsSchema,
  webhookPullOptionsSchema,
  type WebhookPullArgs,
  type WebhookPullOptions,
} from './settings.js';

export const webhookPull: JobType<WebhookPullArgs, WebhookPullOptions> = {
  type: 'webhook_pull',
  argsSchema: webhookPullArgsSchema,
  optionsSchema: webhookPullOptionsSchema,
  run: runWebhookPull,
};

async function runWebhookPull(
  args: WebhookPullArgs,
  options: WebhookPullOptions,
  context: JobContext,
): Promise<JobResult> {
  const { log } = context;
  const workspace = path.resolve(context.baseDir, args.workspace);
  const inbox = path.resolve(workspace, args.inboxDir);
  const tally = newTally();

  const problem = await workspaceProblem(workspace, context.jobId);
  if (problem) return stopped(problem, tally, context);

  const loaded = await loadLedger(context.stateDir);
  if (loaded.damaged) addNote(tally, log, `delivery ledger ignored: ${loaded.damaged}`);
  const { ledger } = loaded;

  if (!context.dryRun) {
    // A run killed while saving the ledger leaves its temp file here, which nothing else reads.
    await removeStaleTemps(context.stateDir);
    tally.delivered += await finishInterrupted(ledger, context.stateDir, log);
    await prepareInbox(inbox, log);
  }

  const pending = await fetchPending(args.agentId, context);
  if (!pending.ok) return stopped(pending.reason, tally, context, pending.byShutdown);
  log.info(`Found ${plural(pending.listed, 'pending webhook item')}`);
  const { items, keepPending } = screenItems(pending, tally, log);

  if (context.dryRun) {
    const dryRun = { agentId: args.agentId, inbox, ledger, keepPending, context, tally };
    return dryRunDelivery(items, dryRun);
  }

  const listedIds = new Set(pending.items.map((item) => item.id));
  const forgotten = forgetExpired(ledger, options.ledgerRetentionDays, listedIds);
  const run = { inbox, ledger, ledgerChanged: forgotten > 0, context, tally };
  if (await deliverItems(items, run)) {
    const deletable = [...listedIds].filter((id) => !keepPending.has(id));
    await markDelivered(deletable, ledger, options.deleteBatchSize, context, tally);
  }

  log.info(`Job complete: ${tally.delivered} delivered, ${tally.errors.length} failed`);
  return toResult(tally, args.agentId, context.jobId);
}

/** The worker never creates a workspace: a missing one means a wrong path or a missing agent. */
async function workspaceProblem(workspace: string, jobId: string): Promise<string | undefined> {
  try {
    const stats = await stat(workspace);
    if (stats.isDirectory()) return undefined;
    return `Workspace ${workspace} is not a folder; fix args[1] of job "${jobId}"`;
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') {
      return `Workspace ${workspace} cannot be read: ${errorMessage(error)}`;
    }
    return (
      `Workspace not found: ${workspace}; fix args[1] of job "${jobId}", or start the agent ` +
      'once so OpenClaw creates it (the worker never creates a workspace)'
    );
  }
}

async function prepareInbox(inbox: string, log: Logger): Promise<void> {
  const stats = await stat(inbox).catch((error: unknown) => {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  });

  if (!stats) {
    try {
      await mkdir(inbox, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw new Error(`cannot create the inbox folder ${inbox}: ${errorMessage(error)}`);
    }
    log.info(`Created inbox folder ${inbox}`);
  } else if (!stats.isDirectory()) {
    throw new Error(`Inbox ${inbox} is not a folder; move it away or choose another inboxDir`);
  }

  const staleTemps = await removeStaleTemps(inbox);
  if (staleTemps > 0) {
    log.info(`Removed ${plural(staleTemps, 'temp file')} left by an interrupted run`);
  }
}

/** The pending list, or why there is none; `byShutdown` when a stop signal cut the request. */
type FetchedPending =
  | Extract<PendingAnswer, { ok: true }>
  | { ok: false; reason: string; byShutdown: boolean };

async function fetchPending(agentId: string, context: JobContext): Promise<FetchedPending> {
  let answer: unknown;
  try {
    answer = await context.nexus.fetchPending(agentId);
  } catch (error) {
    const stop = stoppedRequestReason(error, context.signal);
    const reason = `Could not fetch pending webhook items: ${stop ?? errorMessage(error)}`;
    return { ok: false, reason, byShutdown: stop !== undefined };
  }

  const pending = readPendingAnswer(answer, agentId);
  if (pending.ok) return pending;
  const reason = `Nexus sent a malformed pending list: ${pending.reason}`;
  return { ok: false, reason: `${reason}; nothing was delivered or deleted`, byShutdown: false };
}

/**
 * A run that could not get as far as the items. One that a stop signal cut short is a warning:
 * the worker did what it was asked to, and the next run picks up where this one stopped.
 */
function stopped(
  reason: string,
  tally: RunTally,
  context: JobContext,
  byShutdown = false,
): JobResult {
  if (byShutdown) context.log.warn(reason);
  else context.log.error(reason);

  return {
    jobId: context.jobId,
    success: false,
    message: reason,
    itemsProcessed: tally.delivered,
    errors: [...tally.errors, reason],
  };
}

function toResult(tally: RunTally, agentId: string, jobId: string): JobResult {
  const failed = tally.errors.length;
  let message = `Delivered ${plural(tally.delivered, 'webhook item')} to ${agentId}`;
  if (failed > 0) message += `, ${failed} failed`;
  for (const note of tally.notes) message += `; ${note}`;

  return {
    jobId,
    success: failed === 0,
    message,
    itemsProcessed: tally.delivered,
    errors: tally.errors,
  };
}

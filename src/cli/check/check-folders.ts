import { stat } from 'node:fs/promises';
import path from 'node:path';

import type { SessionUploadArgs } from '../../jobs/session-upload/settings.js';
import type { WebhookPullArgs } from '../../jobs/webhook-pull/settings.js';
import type { JobConfig } from '../../worker/config-schema.js';
import { inspectStateFolder } from '../state-folder.js';
import type { Checklist } from './checklist.js';
import {
  currentUid,
  inspectCreatableFolder,
  inspectFolder,
  whoAmI,
  type CreatableFinding,
} from './folder-access.js';

/** The folders a job reads and writes, each with what the worker needs of it. */
export async function checkJobFolders(
  job: JobConfig,
  baseDir: string,
  list: Checklist,
): Promise<void> {
  if (job.type === 'session_upload') {
    await checkSessionUploadFolders(job.id, job.args as SessionUploadArgs, baseDir, list);
  } else if (job.type === 'webhook_pull') {
    await checkWebhookPullFolders(job.id, job.args as WebhookPullArgs, baseDir, list);
  }
}

/** Transcripts are moved out of the sessions folder, so it must be writable as well. */
async function checkSessionUploadFolders(
  jobId: string,
  args: SessionUploadArgs,
  baseDir: string,
  list: Checklist,
): Promise<void> {
  const sessionsDir = path.resolve(baseDir, args.sessionsDir);
  const found = await inspectFolder(sessionsDir, 'read-write');
  if (found.kind === 'missing') {
    list.fail(jobId, `sessions folder ${sessionsDir} not found: ${argFix(jobId, 0)}`);
  } else if (found.kind === 'unusable') {
    const fix =
      found.cause === 'rights' ? 'run the worker as the user OpenClaw runs as' : argFix(jobId, 0);
    list.fail(jobId, `sessions folder ${sessionsDir} ${found.reason}: ${fix}`);
  } else {
    list.ok(jobId, `sessions folder ${sessionsDir} is readable and writable`);
    await warnAboutOwner(jobId, sessionsDir, list);
  }

  const archiveDir = path.resolve(baseDir, args.archiveDir);
  const archive = await inspectCreatableFolder(archiveDir);
  reportCreatable(list, jobId, `archive folder ${archiveDir}`, archive, argFix(jobId, 1));
}

/** The worker never creates a workspace, but does create the inbox inside it. */
async function checkWebhookPullFolders(
  jobId: string,
  args: WebhookPullArgs,
  baseDir: string,
  list: Checklist,
): Promise<void> {
  const workspace = path.resolve(baseDir, args.workspace);
  const found = await inspectFolder(workspace, 'enter');
  if (found.kind === 'missing') {
    list.fail(
      jobId,
      `workspace ${workspace} not found: fix args[1] of job "${jobId}", or start the agent ` +
        'once so OpenClaw creates it',
    );
    return;
  }
  if (found.kind === 'unusable') {
    const fix = found.cause === 'rights' ? FIX_OWNER : argFix(jobId, 1);
    list.fail(jobId, `workspace ${workspace} ${found.reason}: ${fix}`);
    return;
  }

  list.ok(jobId, `workspace ${workspace} exists`);
  const inbox = path.resolve(workspace, args.inboxDir);
  const inboxFinding = await inspectCreatableFolder(inbox);
  reportCreatable(list, jobId, `inbox ${inbox}`, inboxFinding, argFix(jobId, 2));
}

/** The state folder and what is already in it; see inspectStateFolder. */
export async function checkStateFolder(
  stateDir: string,
  jobIds: readonly string[],
  list: Checklist,
): Promise<void> {
  const finding = await inspectStateFolder(stateDir, jobIds);
  const folder = finding.kind === 'unusable' ? finding.folder : stateDir;
  const wrongPathFix = folder === stateDir ? 'fix stateDir in the config' : 'move it away';
  reportCreatable(list, 'state', `state folder ${folder}`, finding, wrongPathFix);
}

const FIX_OWNER = 'run the worker as one user, and give the folder to that user (chown -R)';

function argFix(jobId: string, index: number): string {
  return `fix args[${index}] of job "${jobId}"`;
}

/** `wrongPathFix` says what to change in the config when the path itself is wrong. */
function reportCreatable(
  list: Checklist,
  subject: string,
  what: string,
  finding: CreatableFinding,
  wrongPathFix: string,
): void {
  if (finding.kind === 'usable') {
    list.ok(subject, `${what} is writable`);
  } else if (finding.kind === 'creatable') {
    list.ok(subject, `${what} does not exist yet; the worker will create it in ${finding.parent}`);
  } else {
    const fix = finding.cause === 'rights' ? FIX_OWNER : wrongPathFix;
    list.fail(subject, `${what} ${finding.reason}: ${fix}`);
  }
}

/**
 * OpenClaw creates its files owner-only (0600). A worker that runs as another user (root) may
 * pass the folder checks and still be refused each transcript, or leave files OpenClaw cannot
 * take back.
 */
async function warnAboutOwner(jobId: string, dir: string, list: Checklist): Promise<void> {
  const uid = currentUid();
  const owner = (await stat(dir)).uid;
  if (uid === undefined || owner === uid) return;
  list.warn(
    jobId,
    `sessions folder ${dir} belongs to uid ${owner}, but the check runs as ${whoAmI()}: ` +
      'run the worker as the user OpenClaw runs as (its files are 0600)',
  );
}

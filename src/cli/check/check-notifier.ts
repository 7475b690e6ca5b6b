import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';

import { DEFAULT_NOTIFY_COMMAND, type NotifyConfig } from '../../notify/notify-config.js';
import type { Config } from '../../worker/config-schema.js';
import type { Checklist } from './checklist.js';
import { networkReason } from '../../nexus/network-reason.js';

export const NOTIFIER_SUBJECT = 'notifier';

/**
 * Whether the notifier can be used, when some job notifies an agent: the program is there to
 * run, or the hooks URL answers. Nothing is sent: a message would start a paid agent turn.
 */
export async function checkNotifier(config: Config, list: Checklist): Promise<void> {
  const notifying = config.jobs.filter((job) => job.notifyAgentId !== undefined);
  if (notifying.length === 0) return;

  const forJobs = `(for ${notifying.map((job) => job.id).join(', ')})`;
  if (config.notify?.type === 'http') {
    await checkHooksUrl(config.notify, forJobs, list);
    return;
  }

  const [program = ''] = config.notify?.command ?? DEFAULT_NOTIFY_COMMAND;
  const found = await findProgram(program, process.env.PATH ?? '');
  if (found) {
    list.ok(NOTIFIER_SUBJECT, `${program} is ${found} ${forJobs}`);
  } else if (program.includes('/')) {
    list.fail(NOTIFIER_SUBJECT, `${program} is not an executable file: fix notify.command`);
  } else {
    list.fail(
      NOTIFIER_SUBJECT,
      `${program} not found on PATH: install OpenClaw, or put its full path in notify.command ` +
        "(a service's PATH may differ from your shell's)",
    );
  }
}

/**
 * The file that running `program` starts: a name with a slash is a path (relative ones from
 * the current folder, as the worker starts it), a bare name is looked up on PATH.
 */
async function findProgram(program: string, searchPath: string): Promise<string | undefined> {
  if (program.includes('/')) {
    const file = path.resolve(program);
    return (await isExecutableFile(file)) ? file : undefined;
  }

  for (const dir of searchPath.split(path.delimiter)) {
    if (dir === '') continue;
    const file = path.join(dir, program);
    if (await isExecutableFile(file)) return file;
  }
  return undefined;
}

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

type HttpNotify = Extract<NotifyConfig, { type: 'http' }>;

/** A GET changes nothing on OpenClaw; any answer at all shows the gateway is there. */
async function checkHooksUrl(notify: HttpNotify, forJobs: string, list: Checklist) {
  let status: number;
  try {
    const response = await fetch(notify.url, {
      method: 'GET',
      redirect: 'manual',
      signal: AbortSignal.timeout(notify.timeoutSeconds * 1000),
    });
    await response.body?.cancel().catch(() => undefined);
    status = response.status;
  } catch (error) {
    list.fail(
      NOTIFIER_SUBJECT,
      `cannot reach ${notify.url}: ${hookFailureReason(error)}; is the OpenClaw gateway running, ` +
        'and notify.url its /hooks/agent address?',
    );
    return;
  }

  if (status === 404) {
    list.warn(
      NOTIFIER_SUBJECT,
      `${notify.url} answered HTTP 404 to a GET: check that OpenClaw has hooks.enabled and ` +
        'that notify.url ends with its hooks path, /hooks/agent by default',
    );
    return;
  }
  const answer = `HTTP ${status} to a GET; nothing was sent`;
  list.ok(NOTIFIER_SUBJECT, `${notify.url} answers (${answer}) ${forJobs}`);
}

function hookFailureReason(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  return networkReason(error);
}

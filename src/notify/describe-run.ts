import path from 'node:path';

import type { SessionUploadArgs } from '../jobs/session-upload/settings.js';
import type { WebhookPullArgs } from '../jobs/webhook-pull/settings.js';
import type { JobConfig } from '../worker/config-schema.js';
import type { JobResult } from '../worker/job-result.js';
import { plural } from '../worker/plural.js';

/**
 * One sentence about a run that an agent (or a person) can act on, in the words of the job's
 * type. Types without an entry get a sentence built from the JobResult's counts alone.
 */
type Describe = (result: JobResult, args: unknown, baseDir: string) => string;

const sentenceByType: Record<string, Describe> = {
  session_upload: (result, args) => {
    const { agentId } = args as SessionUploadArgs;
    const uploaded = plural(result.itemsProcessed, 'transcript');
    const failed = result.errors.length;
    const failures = failed > 0 ? `, ${failed} failed (see errors)` : '';
    return `${uploaded} of agent "${agentId}" uploaded to Nexus${failures}.`;
  },
  webhook_pull: (result, args, baseDir) => {
    const { agentId, workspace, inboxDir } = args as WebhookPullArgs;
    const inbox = path.resolve(baseDir, workspace, inboxDir);
    const items = plural(result.itemsProcessed, 'new webhook item');
    const verb = result.itemsProcessed === 1 ? 'waits' : 'wait';
    const failed = result.errors.length;
    const failures = failed > 0 ? `; ${plural(failed, 'problem')} reported` : '';
    return `${items} for agent "${agentId}" ${verb} in ${inbox}${failures}.`;
  },
};

export function describeRun(job: JobConfig, result: JobResult, baseDir: string): string {
  const describe = sentenceByType[job.type];
  if (describe) return describe(result, job.args, baseDir);

  const errors = plural(result.errors.length, 'error');
  return `${plural(result.itemsProcessed, 'item')} processed, ${errors} reported.`;
}

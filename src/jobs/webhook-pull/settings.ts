import path from 'node:path';

import { z } from 'zod';

import { agentIdSchema } from '../agent-id.js';

/** Where items land when the config names no inbox: this project's convention, not OpenClaw's. */
export const DEFAULT_INBOX_DIR = 'inbox/webhooks';

/** Why `inboxDir` would not name a folder inside the workspace; undefined when it does. */
function inboxDirProblem(inboxDir: string): string | undefined {
  if (path.posix.isAbsolute(inboxDir) || path.win32.isAbsolute(inboxDir)) {
    return `inboxDir "${inboxDir}" must be relative to the workspace, not an absolute path`;
  }

  const segments = inboxDir.split(/[\\/]+/);
  if (segments.includes('..')) {
    return `inboxDir "${inboxDir}" must not contain "..": the inbox stays inside the workspace`;
  }
  if (segments.every((segment) => segment === '' || segment === '.')) {
    return `inboxDir "${inboxDir}" must name a folder inside the workspace`;
  }
  return undefined;
}

const inboxDirSchema = z
  .string()
  .min(1, 'inboxDir must not be empty (leave it out for the default)')
  .superRefine((inboxDir, context) => {
    const problem = inboxDirProblem(inboxDir);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

/** `args: [agentId, workspace, inboxDir?]`, as in the original config format. */
export const webhookPullArgsSchema = z
  .tuple(
    [agentIdSchema, z.string().min(1, 'workspace must not be empty'), inboxDirSchema.optional()],
    { error: 'must be [agentId, workspace] or [agentId, workspace, inboxDir]' },
  )
  .transform(([agentId, workspace, inboxDir = DEFAULT_INBOX_DIR]) => ({
    agentId,
    workspace,
    inboxDir,
  }));

export const webhookPullOptionsSchema = z
  .strictObject({
    /**
     * How long a delivered item's id is remembered after Nexus stopped listing it. An id that
     * Nexus still lists is kept however old, so a DELETE that keeps failing never causes a copy.
     */
    ledgerRetentionDays: z.number().positive().default(30),
    /** Ids per `DELETE /webhook/items` request. */
    deleteBatchSize: z.int().min(1).max(1000).default(100),
  })
  .prefault({});

export type WebhookPullArgs = z.output<typeof webhookPullArgsSchema>;
export type WebhookPullOptions = z.output<typeof webhookPullOptionsSchema>;

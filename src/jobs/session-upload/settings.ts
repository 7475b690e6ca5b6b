import { z } from 'zod';

import { MAX_TIMER_SECONDS } from '../../worker/timer-limit.js';
import { agentIdSchema } from '../agent-id.js';

/** `args: [sessionsDir, archiveDir, agentId]`, as in the original config format. */
export const sessionUploadArgsSchema = z
  .tuple(
    [
      z.string().min(1, 'sessionsDir must not be empty'),
      z.string().min(1, 'archiveDir must not be empty'),
      agentIdSchema,
    ],
    { error: 'must be [sessionsDir, archiveDir, agentId]' },
  )
  .refine(([sessionsDir, archiveDir]) => sessionsDir !== archiveDir, {
    message: 'archiveDir must differ from sessionsDir',
  })
  .transform(([sessionsDir, archiveDir, agentId]) => ({ sessionsDir, archiveDir, agentId }));

export const sessionUploadOptionsSchema = z
  .strictObject({
    /** A transcript must have been unchanged this long before it is uploaded. */
    settleMinutes: z
      .number()
      .min(0)
      .max(MAX_TIMER_SECONDS / 60, `must be at most ${Math.floor(MAX_TIMER_SECONDS / 60)} minutes`)
      .default(10),
    /** Larger transcripts are reported and left; Nexus takes at most 10 MiB. */
    maxFileBytes: z.int().positive().default(10 * 1024 * 1024),
    /** Uploads in flight at once. */
    concurrency: z.int().min(1).max(32).default(4),
  })
  .prefault({});

export type SessionUploadArgs = z.output<typeof sessionUploadArgsSchema>;
export type SessionUploadOptions = z.output<typeof sessionUploadOptionsSchema>;

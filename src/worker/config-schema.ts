import { z } from 'zod';

import { agentIdSchema } from '../jobs/agent-id.js';
import { jobTypes } from '../jobs/registry.js';
import type { JobType } from '../jobs/job-type.js';
import { notifyOnSchema, notifySchema } from '../notify/notify-config.js';
import { DEFAULT_GRACE_SECONDS } from './shutdown.js';
import { MAX_TIMER_SECONDS, TIMER_LIMIT_MESSAGE } from './timer-limit.js';

const jobIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** The fields every job has, whatever its type. */
const jobFields = {
  id: jobIdSchema,
  description: z.string(),
  intervalMinutes: z.int().positive(),
  notifyAgentId: agentIdSchema.optional(),
  /** When to notify notifyAgentId; "activity" unless set. */
  notifyOn: notifyOnSchema.optional(),
};

function jobSchemaFor(jobType: JobType) {
  return z.strictObject({
    ...jobFields,
    type: z.literal(jobType.type),
    args: jobType.argsSchema,
    options: jobType.optionsSchema,
  });
}

const [firstJobType, ...otherJobTypes] = jobTypes.map(jobSchemaFor);
if (!firstJobType) throw new Error('no job types are registered');

const jobSchema = z.discriminatedUnion('type', [firstJobType, ...otherJobTypes], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `must be one of ${jobTypes.map((t) => `"${t.type}"`).join(', ')}`
      : undefined,
});

export const configSchema = z
  .strictObject({
    /** Lets editors validate the file against the published JSON Schema. */
    $schema: z.string().optional(),
    url: z.url({
      protocol: /^https?$/,
      error: (issue) =>
        issue.input === undefined
          ? 'is required'
          : 'must be an http(s) URL such as https://example.azurewebsites.net/api',
    }),
    apiKey: z
      .string({ error: 'is required (or set NEXUS_API_KEY, or the nexus-api-key credential)' })
      .min(1, 'is required (or set NEXUS_API_KEY, or the nexus-api-key credential)')
      // It travels in an HTTP header, which takes visible ASCII only; the key is never echoed.
      .regex(/^[\x21-\x7e]+$/, 'must be visible ASCII characters only (no spaces or accents)'),
    /** Each request to Nexus gives up after this long; a retry follows. */
    requestTimeoutSeconds: z
      .number()
      .positive()
      .max(MAX_TIMER_SECONDS, TIMER_LIMIT_MESSAGE)
      .default(30),
    /** How a request that failed for a passing reason is tried again within a run. */
    retry: z
      .strictObject({
        retries: z.int().min(0).max(10).default(4),
        minDelaySeconds: z.number().min(0).max(MAX_TIMER_SECONDS, TIMER_LIMIT_MESSAGE).default(1),
        maxDelaySeconds: z.number().min(0).max(MAX_TIMER_SECONDS, TIMER_LIMIT_MESSAGE).default(30),
        /** A longer Retry-After ends the run; the request is tried again on the next one. */
        maxRetryAfterSeconds: z
          .number()
          .min(0)
          .max(MAX_TIMER_SECONDS, TIMER_LIMIT_MESSAGE)
          .default(120),
      })
      .prefault({}),
    /** Where run times, results and ledgers are kept; a folder per config file by default. */
    stateDir: z.string().min(1).optional(),
    /** How to wake an agent; `openclaw agent --agent … --message …` unless set. */
    notify: notifySchema.optional(),
    /** On SIGINT/SIGTERM, how long the run and notifications in flight may take. */
    shutdownGraceSeconds: z
      .number()
      .min(0)
      .max(MAX_TIMER_SECONDS, TIMER_LIMIT_MESSAGE)
      .default(DEFAULT_GRACE_SECONDS),
    jobs: z.array(jobSchema).min(1, 'must list at least one job'),
  })
  .superRefine((config, context) => {
    const seen = new Map<string, number>();
    config.jobs.forEach((job, index) => {
      const first = seen.get(job.id);
      if (first === undefined) {
        seen.set(job.id, index);
        return;
      }
      context.addIssue({
        code: 'custom',
        path: ['jobs', index, 'id'],
        message: `duplicate job id "${job.id}" (also jobs[${first}])`,
      });
    });
  });

export type Config = z.output<typeof configSchema>;
export type JobConfig = Config['jobs'][number];

import { z } from 'zod';

import { MAX_TIMER_SECONDS, TIMER_LIMIT_MESSAGE } from '../worker/timer-limit.js';

/** What the worker runs when the config names no notifier: one turn of the agent, no chat. */
export const DEFAULT_NOTIFY_COMMAND: readonly string[] = [
  'openclaw',
  'agent',
  '--agent',
  '{agentId}',
  '--message',
  '{message}',
];

/** `openclaw agent` waits for the whole turn; 600 s is its own default limit. */
export const DEFAULT_COMMAND_TIMEOUT_SECONDS = 600;

/** The hooks endpoint answers as soon as the turn is queued. */
export const DEFAULT_HTTP_TIMEOUT_SECONDS = 30;

export const notifyOnSchema = z.enum(['activity', 'always', 'failure'], {
  error: 'must be "activity", "always" or "failure"',
});

export type NotifyOn = z.output<typeof notifyOnSchema>;

const commandSchema = z
  .array(z.string(), { error: 'must be an array of strings, one per argument' })
  .superRefine((argv, context) => {
    const problem = commandProblem(argv);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

function commandProblem(argv: readonly string[]): string | undefined {
  if (argv.length === 0 || (argv[0] ?? '').trim() === '') {
    return 'must start with the program to run';
  }
  if (!argv.some((element) => element.includes('{message}'))) {
    return 'must contain {message} in one of its elements, or the agent never sees the result';
  }
  return undefined;
}

const commandNotifySchema = z.strictObject({
  type: z.literal('cli'),
  /** argv of the program; `{agentId}` and `{message}` are replaced inside each element. */
  command: commandSchema.default([...DEFAULT_NOTIFY_COMMAND]),
  timeoutSeconds: z
    .number()
    .positive()
    .max(MAX_TIMER_SECONDS, TIMER_LIMIT_MESSAGE)
    .default(DEFAULT_COMMAND_TIMEOUT_SECONDS),
});

const httpNotifySchema = z.strictObject({
  type: z.literal('http'),
  url: z.url({
    protocol: /^https?$/,
    error: 'must be an http(s) URL such as http://127.0.0.1:18789/hooks/agent',
  }),
  /** OpenClaw's `hooks.token`: a secret, kept out of logs and state. */
  token: z.string({ error: 'is required: OpenClaw\'s hooks.token' }).min(1, 'must not be empty'),
  timeoutSeconds: z
    .number()
    .positive()
    .max(MAX_TIMER_SECONDS, TIMER_LIMIT_MESSAGE)
    .default(DEFAULT_HTTP_TIMEOUT_SECONDS),
});

export const notifySchema = z.discriminatedUnion('type', [commandNotifySchema, httpNotifySchema], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'must be "cli" or "http"' : undefined,
});

export type NotifyConfig = z.output<typeof notifySchema>;

import { z } from 'zod';

/** OpenClaw agent ids are short slugs; anything else is almost certainly a config mistake. */
export const agentIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    'agent id must be 1-64 letters, digits, "_" or "-" (for example "main")',
  );

import { fileURLToPath } from 'node:url';

import { z } from 'zod';

import { configSchema } from './config-schema.js';

/**
 * Where the published JSON Schema lives: `schema/config.schema.json` at the package root. This
 * module sits two folders down both as source (src/worker) and when built (dist/worker).
 */
export const CONFIG_JSON_SCHEMA_PATH = fileURLToPath(
  new URL('../../schema/config.schema.json', import.meta.url),
);

type JsonSchema = Record<string, unknown>;

/**
 * The JSON Schema of the config file, for editors. It describes what a user writes, so fields
 * with defaults are optional (`io: 'input'`). The zod schema stays the authority: checks JSON
 * Schema cannot express (duplicate job ids, the notify command's `{message}`) are made when the
 * worker loads the file, and a type it cannot describe at all is left open rather than failing.
 */
export function configJsonSchema(): JsonSchema {
  const generated = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;

  // The key may come from NEXUS_API_KEY or a systemd credential instead, so a file without one
  // is complete.
  const required = Array.isArray(generated.required) ? generated.required : [];
  const { $schema, ...rest } = generated;
  return {
    $schema,
    title: 'nexus-worker config',
    description: 'The config file of nexus-worker (nexus-worker --config PATH).',
    ...rest,
    required: required.filter((field) => field !== 'apiKey'),
  };
}

/** The file's exact text: what `npm run schema` writes and what the test compares against. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}

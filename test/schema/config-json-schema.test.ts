import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { jobTypes } from '../../src/jobs/registry.js';
import {
  CONFIG_JSON_SCHEMA_PATH,
  configJsonSchema,
  configJsonSchemaText,
} from '../../src/worker/config-json-schema.js';
import { loadConfig } from '../../src/worker/load-config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const examplePath = path.join(root, 'config.example.json');

interface ObjectSchema {
  properties: Record<string, unknown>;
  required: string[];
  additionalProperties: unknown;
}

test('schema/config.schema.json is what the config schema generates now', async () => {
  const committed = await readFile(CONFIG_JSON_SCHEMA_PATH, 'utf8').catch(() => '');

  assert.ok(
    committed === configJsonSchemaText(),
    `${CONFIG_JSON_SCHEMA_PATH} is out of date with src/worker/config-schema.ts: ` +
      'run npm run schema and commit the result',
  );
});

test('the schema asks only for what a config written for the original worker has', () => {
  const schema = configJsonSchema() as unknown as ObjectSchema;

  // Settings with defaults are optional, and the key may come from the environment instead.
  assert.deepEqual([...schema.required].sort(), ['jobs', 'url']);
  assert.ok('apiKey' in schema.properties, 'apiKey is still described');
  assert.equal(schema.additionalProperties, false, 'unknown top-level fields are errors');
});

test('the schema offers every registered job type', () => {
  const text = configJsonSchemaText();

  for (const { type } of jobTypes) {
    assert.ok(text.includes(`"const": "${type}"`), `job type ${type} is missing`);
  }
});

test('config.example.json loads, and names only fields the schema describes', async () => {
  const loaded = await loadConfig(examplePath, {});
  const example = JSON.parse(await readFile(examplePath, 'utf8')) as Record<string, unknown>;
  const schema = configJsonSchema() as unknown as ObjectSchema;

  assert.ok(loaded.config.jobs.length > 0);
  for (const field of Object.keys(example)) {
    assert.ok(field in schema.properties, `config.example.json: ${field} is not in the schema`);
  }
});

test('config.example.json points editors at the shipped schema file', async () => {
  const example = JSON.parse(await readFile(examplePath, 'utf8')) as { $schema?: string };

  assert.equal(typeof example.$schema, 'string');
  assert.equal(path.resolve(root, example.$schema ?? ''), CONFIG_JSON_SCHEMA_PATH);
});

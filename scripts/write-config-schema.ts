/**
 * `npm run schema`: writes schema/config.schema.json from the config's zod schema. Run it after
 * changing src/worker/config-schema.ts or a job type's args or options.
 */
import { writeFile } from 'node:fs/promises';

import {
  CONFIG_JSON_SCHEMA_PATH,
  configJsonSchemaText,
} from '../src/worker/config-json-schema.js';

await writeFile(CONFIG_JSON_SCHEMA_PATH, configJsonSchemaText());
process.stdout.write(`Wrote ${CONFIG_JSON_SCHEMA_PATH}\n`);

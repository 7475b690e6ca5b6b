import { constants } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';

import type { z } from 'zod';

import { configSchema, type Config } from './config-schema.js';
import { readApiKeyCredential } from './credentials.js';
import { UsageError, errorCode, errorMessage } from './errors.js';
import { findRepeatedKeys, type KeyPosition } from './repeated-keys.js';

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file the config came from. */
  path: string;
  /** Its folder: relative paths in job args are resolved against it. */
  dir: string;
  /** Problems worth a line in the log that do not stop the worker. */
  warnings: string[];
}

/**
 * Reads and validates the config file. Every problem becomes one UsageError that lists all of
 * them, so a user fixes the file in one go. The key from `NEXUS_API_KEY`, or else from the
 * systemd credential `nexus-api-key`, replaces `apiKey`.
 */
export async function loadConfig(
  configPath: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadedConfig> {
  const absolute = path.resolve(configPath);
  const text = withoutByteOrderMark(await readConfigText(absolute));
  const raw = parseJson(absolute, text);

  const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
  const keyInFile = isObject && 'apiKey' in raw;
  const outsideKey = env.NEXUS_API_KEY || (await readApiKeyCredential(env));
  if (isObject && outsideKey) (raw as Record<string, unknown>).apiKey = outsideKey;

  const parsed = configSchema.safeParse(raw, { error: plainMessage });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  - ${describeIssue(issue)}`);
    throw new UsageError(`Config file ${absolute} is invalid:\n${lines.join('\n')}`);
  }

  const warnings = repeatedKeyWarnings(absolute, text);
  if (keyInFile) warnings.push(...(await permissionWarnings(absolute)));
  return { config: parsed.data, path: absolute, dir: path.dirname(absolute), warnings };
}

async function readConfigText(file: string): Promise<string> {
  try {
    return await readRegularFile(file);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = errorCode(error);
    if (code === 'ENOENT') {
      throw new UsageError(
        `Config file not found: ${file} (pass --config PATH, or copy config.example.json)`,
      );
    }
    if (code === 'EACCES' || code === 'EPERM') {
      throw new UsageError(`Config file ${file} cannot be read: permission denied`);
    }
    if (code === 'EISDIR') throw new UsageError(`Config path ${file} is a folder, not a file`);
    throw new UsageError(`Config file ${file} cannot be read: ${errorMessage(error)}`);
  }
}

/**
 * Opened without blocking: reading a FIFO would otherwise wait, unkillably, for a writer that
 * may never come. Anything but a regular file is refused before a byte is read.
 */
async function readRegularFile(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new UsageError(`Config path ${file} is a folder, not a file`);
    if (!stats.isFile()) {
      throw new UsageError(`Config path ${file} is not a regular file (a FIFO, socket or device?)`);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Windows editors start UTF-8 files with a byte-order mark, which is not JSON. */
function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function parseJson(file: string, text: string): unknown {
  if (text.trim() === '') throw new UsageError(`Config file ${file} is empty`);

  try {
    return JSON.parse(text);
  } catch (error) {
    const { reason, position } = describeJsonError(text, errorMessage(error));
    const where = position === undefined ? '' : ` at ${lineAndColumn(text, position)}`;
    throw new UsageError(`Config file ${file} is not valid JSON${where}: ${reason}`);
  }
}

/**
 * V8's message quotes a piece of the file, which may hold the API key: keep only the reason,
 * and find the position ourselves when V8 does not give it. The quote follows the reason as
 * `, "…"`, `, …"…"` or `, "…"…`, so everything from that comma on goes.
 */
function describeJsonError(text: string, message: string): { reason: string; position?: number } {
  const reason = message.replace(/,\s*(?:\.\.\.)?".*$/s, '').replace(/ in JSON at.*$/s, '');
  const given = /at position (\d+)/.exec(message);
  if (given) return { reason, position: Number(given[1]) };

  const token = /^Unexpected token '(.)'/.exec(message)?.[1];
  return { reason, position: token === undefined ? undefined : firstOutsideStrings(text, token) };
}

function firstOutsideStrings(text: string, token: string): number | undefined {
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index += 1;
      else if (char === '"') inString = false;
    } else if (char === token) {
      return index;
    } else if (char === '"') {
      inString = true;
    }
  }
  return undefined;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function plainMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  // JSON reads a number too large for a double, such as 1e400, as Infinity.
  if (typeof issue.input === 'number' && !Number.isFinite(issue.input)) {
    return 'must be a finite number';
  }
  if (issue.expected === 'int') return 'must be a whole number';
  return `must be ${article(issue.expected)}, not ${describeValue(issue.input)}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? formatPath(issue.path) : '(top level)';
  return `${where}: ${issue.message}`;
}

/** `['jobs', 0, 'args', 2]` → `jobs[0].args[2]`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      return index === 0 ? String(segment) : `.${String(segment)}`;
    })
    .join('');
}

/**
 * JSON.parse keeps the last of two values for one key without a word, so a setting changed in
 * one place may be silently undone by a forgotten copy further down. Names keys, never values.
 */
function repeatedKeyWarnings(file: string, text: string): string[] {
  const scan = findRepeatedKeys(text);
  if (!scan.checked) {
    return [`Config file ${file} is nested too deeply to be checked for keys given twice`];
  }

  return scan.repeated.map(({ key, objectPath, positions }) => {
    const where = objectPath.length > 0 ? ` in ${formatPath(objectPath)}` : '';
    const times = positions.length === 2 ? 'twice' : `${positions.length} times`;
    return (
      `Config file ${file}: ${JSON.stringify(key)}${where} is given ${times}, ` +
      `${describePositions(positions)}; only the last one counts`
    );
  });
}

/** `on lines 3 and 9`, or with columns when two share a line (a config on one line). */
function describePositions(positions: readonly KeyPosition[]): string {
  const lines = positions.map((position) => position.line);
  const sharesALine = new Set(lines).size < lines.length;
  const each = sharesALine
    ? positions.map(({ line, column }) => `line ${line}, column ${column}`)
    : lines.map(String);
  const listed = `${each.slice(0, -1).join(', ')} and ${each.at(-1)}`;
  return sharesALine ? `at ${listed}` : `on lines ${listed}`;
}

async function permissionWarnings(file: string): Promise<string[]> {
  if (process.platform === 'win32') return [];
  const { mode } = await stat(file);
  if ((mode & 0o044) === 0) return [];
  const octal = (mode & 0o777).toString(8);
  return [`Config file ${file} is readable by other users (mode ${octal}); run: chmod 600 ${file}`];
}

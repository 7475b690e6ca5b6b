import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLogger, formatTimestamp } from '../../src/worker/logger.js';

test('lines read {timestamp} [{level}] [{context}] {message}', () => {
  const lines: string[] = [];
  const now = () => new Date(2026, 1, 6, 14);
  const log = createLogger({ write: (line) => lines.push(line), now });

  log.info('Starting Nexus Worker');
  log.child('main-sessions').warn('Already on Nexus: a.jsonl');

  assert.deepEqual(lines, [
    '2026-02-06T14:00:00 [INFO] [scheduler] Starting Nexus Worker',
    '2026-02-06T14:00:00 [WARNING] [main-sessions] Already on Nexus: a.jsonl',
  ]);
});

test('debug lines appear only when verbose', () => {
  const quiet: string[] = [];
  const loud: string[] = [];
  createLogger({ write: (line) => quiet.push(line) }).debug('x');
  createLogger({ verbose: true, write: (line) => loud.push(line) }).debug('x');

  assert.equal(quiet.length, 0);
  assert.match(loud[0] ?? '', /\[DEBUG\] \[scheduler\] x$/);
});

test('secrets are masked and control characters cannot break a line', () => {
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line), secrets: ['s3cret'] });

  log.error('key s3cret in\nname\u001b[31m');

  assert.equal(lines.length, 1);
  assert.match(lines[0] ?? '', /key \*\*\* in\\nname\\x1b\[31m$/);
});

test('timestamps are local time to the second', () => {
  assert.equal(formatTimestamp(new Date(2026, 11, 3, 9, 5, 7, 999)), '2026-12-03T09:05:07');
});

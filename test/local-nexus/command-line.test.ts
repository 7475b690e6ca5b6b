import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { test } from 'node:test';

import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  parseCommandLine,
} from '../../src/local-nexus/command-line.js';
import { UsageError } from '../../src/worker/errors.js';

const KEY_ENV = { NEXUS_API_KEY: 'key-from-env' };

test('without flags it serves on loopback, port 7071, ./nexus-data, the key from the env', () => {
  const command = parseCommandLine([], KEY_ENV);

  assert.deepEqual(command, {
    kind: 'serve',
    port: DEFAULT_PORT,
    host: DEFAULT_HOST,
    dataDir: resolve('nexus-data'),
    apiKey: 'key-from-env',
    verbose: false,
  });
  assert.equal(DEFAULT_PORT, 7071);
  assert.equal(DEFAULT_HOST, '127.0.0.1');
});

test('flags override the defaults and --api-key wins over the env', () => {
  const argv = ['--port', '0', '--host', '::1', '--data-dir', 'here', '--api-key', 'flag-key'];

  const command = parseCommandLine([...argv, '--verbose'], KEY_ENV);

  assert.deepEqual(command, {
    kind: 'serve',
    port: 0,
    host: '::1',
    dataDir: resolve('here'),
    apiKey: 'flag-key',
    verbose: true,
  });
});

test('--help and --version need no key', () => {
  assert.deepEqual(parseCommandLine(['--help'], {}), { kind: 'help' });
  assert.deepEqual(parseCommandLine(['-h'], {}), { kind: 'help' });
  assert.deepEqual(parseCommandLine(['--version'], {}), { kind: 'version' });
});

test('no key at all is a usage error that says how to give one', () => {
  for (const env of [{}, { NEXUS_API_KEY: '' }]) {
    assert.throws(
      () => parseCommandLine([], env),
      (error: unknown) =>
        error instanceof UsageError &&
        error.exitCode === 2 &&
        /--api-key/.test(error.message) &&
        /NEXUS_API_KEY/.test(error.message),
    );
  }
});

test('bad ports, unknown flags and missing values are usage errors', () => {
  const badCommandLines = [
    ['--port', '-1'],
    ['--port', '65536'],
    ['--port', '80.5'],
    ['--port', 'http'],
    ['--port', ''],
    ['--port'],
    ['--host', ''],
    ['--data-dir', ''],
    ['--colour'],
    ['--verbose=yes'],
  ];

  for (const argv of badCommandLines) {
    assert.throws(
      () => parseCommandLine(argv, KEY_ENV),
      (error: unknown) => error instanceof UsageError && error.exitCode === 2,
      argv.join(' '),
    );
  }
});

test('a stray argument is refused without being repeated, since it may be a key', () => {
  assert.throws(
    () => parseCommandLine(['--verbose', 'secret-value'], KEY_ENV),
    (error: unknown) => error instanceof UsageError && !error.message.includes('secret-value'),
  );
});

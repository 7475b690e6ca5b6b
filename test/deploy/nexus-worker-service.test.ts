import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { ExitCode } from '../../src/cli/exit-codes.js';
import { API_KEY_CREDENTIAL } from '../../src/worker/credentials.js';
import { DEFAULT_GRACE_SECONDS } from '../../src/worker/shutdown.js';
import { parseUnitFile, type UnitFile } from './unit-file.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const unitPath = path.join(root, 'deploy', 'nexus-worker.service');

async function readUnit(): Promise<{ text: string; unit: UnitFile }> {
  const text = await readFile(unitPath, 'utf8');
  return { text, unit: parseUnitFile(text) };
}

/** The directive's values, in order; [] when it is not set. */
function values(unit: UnitFile, section: string, key: string): string[] {
  return unit.get(section)?.get(key) ?? [];
}

/** The directive's value, which must be set exactly once. */
function single(unit: UnitFile, section: string, key: string): string {
  const found = values(unit, section, key);
  assert.equal(found.length, 1, `[${section}] ${key}= should be set once, found ${found.length}`);
  return found[0] ?? '';
}

test('the service runs the nexus-worker daemon with an absolute config path', async () => {
  const { unit } = await readUnit();
  const [program = '', ...args] = single(unit, 'Service', 'ExecStart').split(/\s+/);

  assert.ok(path.isAbsolute(program), `systemd needs an absolute program path, got ${program}`);
  assert.equal(path.basename(program), 'nexus-worker');
  const config = args[args.indexOf('--config') + 1] ?? '';
  assert.ok(args.includes('--config') && path.isAbsolute(config), 'an absolute --config path');
  assert.ok(!args.includes('--job') && !args.includes('--once'), 'the daemon, not a single run');
});

test('the service runs as a named user, not root', async () => {
  const { unit } = await readUnit();

  for (const key of ['User', 'Group']) {
    const name = single(unit, 'Service', key);
    assert.match(name, /^[a-z_][a-z0-9_-]*$/, `${key}= is a user or group name`);
    assert.notEqual(name, 'root');
  }
});

test('the stop timeout leaves the worker its whole shutdown grace', async () => {
  const { unit } = await readUnit();
  const timeout = single(unit, 'Service', 'TimeoutStopSec');

  assert.match(timeout, /^\d+$/, 'TimeoutStopSec= in plain seconds');
  assert.ok(Number(timeout) >= DEFAULT_GRACE_SECONDS + 5, `TimeoutStopSec=${timeout} is too short`);
  assert.equal(single(unit, 'Service', 'KillSignal'), 'SIGTERM');
  assert.equal(single(unit, 'Service', 'KillMode'), 'mixed');
});

test('a failed worker is restarted, a bad config is not', async () => {
  const { unit } = await readUnit();

  assert.equal(single(unit, 'Service', 'Restart'), 'on-failure');
  assert.ok(Number(single(unit, 'Service', 'RestartSec')) > 0);
  const kept = single(unit, 'Service', 'RestartPreventExitStatus').split(/\s+/).map(Number);
  assert.ok(kept.includes(ExitCode.usage), 'no restart loop on a bad config');
  assert.ok(!kept.includes(ExitCode.busy), 'another worker holding the lock is worth a retry');
});

test('the service is hardened, without what breaks node', async () => {
  const { unit } = await readUnit();
  const expected: Record<string, string> = {
    NoNewPrivileges: 'yes',
    ProtectSystem: 'strict',
    ProtectHome: 'read-only',
    PrivateTmp: 'yes',
    PrivateDevices: 'yes',
    ProtectKernelTunables: 'yes',
    ProtectKernelModules: 'yes',
    ProtectKernelLogs: 'yes',
    ProtectControlGroups: 'yes',
    RestrictNamespaces: 'yes',
    LockPersonality: 'yes',
    SystemCallArchitectures: 'native',
    UMask: '0077',
  };

  for (const [key, value] of Object.entries(expected)) {
    assert.equal(single(unit, 'Service', key), value, `${key}=`);
  }
  assert.deepEqual(
    single(unit, 'Service', 'RestrictAddressFamilies').split(/\s+/).sort(),
    ['AF_INET', 'AF_INET6', 'AF_UNIX'],
  );
  // V8 needs memory that is writable and executable for its compiled code.
  assert.deepEqual(values(unit, 'Service', 'MemoryDenyWriteExecute'), []);
});

test('the folders the jobs write are reopened as absolute paths', async () => {
  const { unit } = await readUnit();
  const writable = values(unit, 'Service', 'ReadWritePaths').flatMap((line) => line.split(/\s+/));

  assert.ok(writable.length >= 2, 'the OpenClaw folder and the worker state folder');
  for (const folder of writable) assert.ok(path.isAbsolute(folder), `${folder} is absolute`);
  assert.ok(
    writable.some((folder) => folder.endsWith('/.local/state/nexus-worker')),
    'the worker state folder is writable',
  );
});

test('the key comes from a credential, and the unit holds no secret', async () => {
  const { text, unit } = await readUnit();
  const [name = '', source = ''] = single(unit, 'Service', 'LoadCredential').split(':');

  assert.equal(name, API_KEY_CREDENTIAL);
  assert.ok(path.isAbsolute(source), 'the key file is an absolute path');
  assert.deepEqual(values(unit, 'Service', 'SetCredential'), []);
  for (const line of values(unit, 'Service', 'Environment')) {
    assert.doesNotMatch(line, /NEXUS_API_KEY|apiKey/i, `Environment=${line}`);
  }
  assert.doesNotMatch(text, /NEXUS_API_KEY=(?!<key>)\S/, 'no key value, even in a comment');
  assert.ok(values(unit, 'Service', 'Environment').includes('NODE_ENV=production'));
});

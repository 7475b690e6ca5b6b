import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('npm run demo: archives reach Nexus, the live transcript stays, webhooks reach the inbox',
  async () => {
    const child = spawn(process.execPath, [path.join(root, 'dist', 'demo', 'main.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.on('close', resolve));

    assert.equal(code, 0, output);
    assert.match(output, /\[INFO\] \[main-sessions\] Found 2 completed sessions/);
    assert.match(output, /Job complete: 2 uploaded, 0 failed/);
    assert.match(output, /ok {4}913d0f7b-8fa1-4578-9105-3ef6710cc9d0\.jsonl left in place/);
    assert.match(output, /\[INFO\] \[main-webhooks\] Found 2 pending webhook items/);
    assert.match(output, /ok {4}nothing left pending on Nexus/);
    assert.doesNotMatch(output, /FAIL/);
    assert.match(output, /Everything checks out\./);
  },
);

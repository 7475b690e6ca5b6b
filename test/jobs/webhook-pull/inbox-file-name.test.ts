import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  MAX_FILE_NAME_BYTES,
  inboxFileNames,
} from '../../../src/jobs/webhook-pull/inbox-file-name.js';

const bytes = (name: string) => Buffer.byteLength(name, 'utf8');
const first = (source: string, id: string) => inboxFileNames(source, id)[0] as string;

/** A name the agent's inbox listing shows, that stays in the inbox and fits the file system. */
function assertSafe(name: string): void {
  const shown = JSON.stringify(name);
  assert.ok(!name.includes('/') && !name.includes('\\'), `no separator in ${shown}`);
  assert.ok(!name.startsWith('.') && !name.startsWith('-'), `not hidden: ${shown}`);
  // eslint-disable-next-line no-control-regex
  assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(name), `no control: ${shown}`);
  assert.ok(bytes(name) <= MAX_FILE_NAME_BYTES, `${bytes(name)} bytes: ${name.slice(0, 40)}…`);
  assert.ok(name.endsWith('.json'));
  assert.equal(name, Buffer.from(name, 'utf8').toString('utf8'), 'survives UTF-8 unchanged');
}

test('a plain source and id give {source}_{id}.json, then the hashed name', () => {
  const names = inboxFileNames('putio', '2026-02-06T12:00:00_abc123');

  assert.equal(names[0], 'putio_2026-02-06T12:00:00_abc123.json');
  assert.match(names[1] ?? '', /^putio_2026-02-06T12:00:00_abc123~[0-9a-f]{16}\.json$/);
  assert.equal(names.length, 2);
});

test('hostile sources and ids give safe names with a hash, and only those', () => {
  const cases: Array<[string, string]> = [
    ['../../etc/passwd', 'x'],
    ['putio', '../../etc/passwd'],
    ['a/b', 'c'],
    ['a\\b', 'c'],
    ['..', '..'],
    ['.', 'x'],
    ['.hidden', 'x'],
    ['-rf', 'x'],
    ['putio', 'line\nbreak'],
    ['putio', 'tab\there'],
    ['putio', 'nul\u0000byte'],
    ['putio', 'bell\u0007\u009b'],
    ['putio', 'right-to-left\u202eoverride'],
    ['putio', 'zero\u200bwidth'],
    ['putio', 'lone \ud800 surrogate'],
    ['putio', 'tilde~in~id'],
    ['under_score', 'x'],
    ['x'.repeat(300), 'y'],
    ['putio', 'z'.repeat(300)],
  ];

  for (const [source, id] of cases) {
    const names = inboxFileNames(source, id);
    assert.equal(names.length, 1, `only a hashed name for ${JSON.stringify([source, id])}`);
    assertSafe(names[0] as string);
    assert.match(names[0] as string, /~[0-9a-f]{16}\.json$/);
  }
});

test('unicode that is safe is kept as it is', () => {
  assert.equal(first('github', 'grüße-👋-日本'), 'github_grüße-👋-日本.json');
  assert.equal(first('putio', 'a:b..c'), 'putio_a:b..c.json');
});

test('a long name is cut on a character boundary to at most 255 bytes', () => {
  // 4-byte characters, so a cut in the middle of one would show.
  const name = first('emoji', '👋'.repeat(200));

  assert.ok(bytes(name) <= MAX_FILE_NAME_BYTES);
  assert.ok(bytes(name) > MAX_FILE_NAME_BYTES - 4, 'uses the room there is');
  assert.ok(!name.includes('\ufffd'), 'no broken character');
  assert.match(name, /^emoji_(👋)+~[0-9a-f]{16}\.json$/);

  const longest = `s_${'a'.repeat(MAX_FILE_NAME_BYTES - 7)}.json`;
  assert.equal(bytes(longest), MAX_FILE_NAME_BYTES);
  assert.equal(first('s', 'a'.repeat(MAX_FILE_NAME_BYTES - 7)), longest, 'exactly 255 is kept');
  assert.notEqual(first('s', 'a'.repeat(MAX_FILE_NAME_BYTES - 6)), `s_${'a'.repeat(249)}.json`);
});

test('different items never share a name, even when they differ only in an unsafe part', () => {
  const plainLookingHash = first('a/b', 'c').slice(0, -'.json'.length);
  const items: Array<[string, string]> = [
    ['a/b', 'c'],
    ['a\\b', 'c'],
    ['a_b', 'c'],
    ['a', 'b_c'],
    ['a', 'b/c'],
    ['a', 'b\\c'],
    ['a', 'b\nc'],
    ['a', 'b\rc'],
    ['a', 'b~c'],
    ['a', 'b_c'.normalize('NFD')],
    ['..', 'x'],
    ['._', 'x'],
    ['_.', 'x'],
    ['__', 'x'],
    ['.', '.x'],
    ['putio', '\ud800'],
    ['putio', '\udc00'],
    ['putio', '\ufffd'],
    ['putio', '_'],
    // An id that copies another item's changed name must not take that name.
    [plainLookingHash.split('_')[0] as string, plainLookingHash.split('_').slice(1).join('_')],
    ['x'.repeat(300), 'a'],
    ['x'.repeat(300), 'b'],
    ['x'.repeat(301), 'a'],
  ];

  const seen = new Map<string, string>();
  for (const [source, id] of items) {
    for (const name of inboxFileNames(source, id)) {
      const owner = JSON.stringify([source, id]);
      const other = seen.get(name);
      assert.ok(other === undefined || other === owner, `${owner} and ${other} share ${name}`);
      seen.set(name, owner);
    }
  }
  assert.ok(seen.size >= items.length);
});

test('the same item always gets the same names', () => {
  assert.deepEqual(inboxFileNames('a/b', 'c\n'), inboxFileNames('a/b', 'c\n'));
  assert.deepEqual(inboxFileNames('putio', 'x'), inboxFileNames('putio', 'x'));
});

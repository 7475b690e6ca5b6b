import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  MAX_NESTING_DEPTH,
  nestsDeeperThan,
} from '../../src/json/nesting-depth.js';
import { itemFileText } from '../../src/jobs/webhook-pull/inbox-file.js';

/** Arrays or objects `depth` levels deep, parsed from JSON text as Nexus's answer would be. */
function nested(depth: number, kind: 'array' | 'object' = 'array'): unknown {
  const [open, close] = kind === 'array' ? ['[', ']'] : ['{"a":', '}'];
  return JSON.parse(`${open.repeat(depth)}"bottom"${close.repeat(depth)}`);
}

test('plain values are 0 deep, an empty array or object 1', () => {
  for (const value of [null, 0, 'text', true, undefined]) {
    assert.equal(nestsDeeperThan(value, 0), false, String(value));
  }
  assert.equal(nestsDeeperThan([], 0), true);
  assert.equal(nestsDeeperThan({}, 0), true);
  assert.equal(nestsDeeperThan([], 1), false);
});

test('the deepest branch counts, wherever it sits among wide shallow ones', () => {
  const wide = { list: Array.from({ length: 1000 }, (_, n) => ({ n })), deep: nested(7) };
  assert.equal(nestsDeeperThan(wide, 7), true);
  assert.equal(nestsDeeperThan(wide, 8), false);
  assert.equal(nestsDeeperThan([nested(3, 'object'), 1, [[[]]]], 4), false);
  assert.equal(nestsDeeperThan([nested(3, 'object'), 1, [[[]]]], 3), true);
});

test('a depth far beyond the stack is measured without overflowing it', () => {
  for (const kind of ['array', 'object'] as const) {
    const value = nested(100_000, kind);
    assert.equal(nestsDeeperThan(value, MAX_NESTING_DEPTH), true, kind);
    assert.equal(nestsDeeperThan(value, 100_000), false, kind);
  }
});

test('an item at the limit can be written, one past it is refused', () => {
  for (const kind of ['array', 'object'] as const) {
    const atLimit = nested(MAX_NESTING_DEPTH, kind);
    assert.equal(nestsDeeperThan(atLimit, MAX_NESTING_DEPTH), false, kind);
    assert.equal(nestsDeeperThan(nested(MAX_NESTING_DEPTH + 1, kind), MAX_NESTING_DEPTH), true);

    const item = { id: 'deep', source: 'putio', receivedAt: null, payload: atLimit };
    assert.deepEqual(JSON.parse(itemFileText(item)).payload, atLimit, kind);
  }
});

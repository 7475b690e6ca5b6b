import assert from 'node:assert/strict';
import { test } from 'node:test';

import { plural } from '../../src/worker/plural.js';

test('plural writes the singular for exactly one and the plural for any other count', () => {
  assert.equal(plural(1, 'item'), '1 item');
  assert.equal(plural(0, 'item'), '0 items');
  assert.equal(plural(2, 'item'), '2 items');
  assert.equal(plural(5000, 'pending webhook item'), '5000 pending webhook items');
});

test('plural takes an irregular plural form when one is given', () => {
  assert.equal(plural(1, 'copy', 'copies'), '1 copy');
  assert.equal(plural(3, 'copy', 'copies'), '3 copies');
});

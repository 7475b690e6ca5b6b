import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sameJsonValue } from '../../../src/jobs/webhook-pull/same-json-value.js';

function parsed(text: string): unknown {
  return JSON.parse(text);
}

test('the same data is the same whatever the order of its keys', () => {
  const first = parsed('{"a": 1, "b": {"c": [1, 2, {"d": null}], "e": "x"}}');
  const second = parsed('{"b": {"e": "x", "c": [1, 2, {"d": null}]}, "a": 1}');
  assert.equal(sameJsonValue(first, second), true);
  assert.equal(sameJsonValue(parsed('0'), parsed('-0')), true);
  assert.equal(sameJsonValue(null, null), true);
});

test('any difference in a value, a key, an order or a kind is a difference', () => {
  const pairs: Array<[string, string]> = [
    ['{"a": 1}', '{"a": 2}'],
    ['{"a": 1}', '{"b": 1}'],
    ['{"a": 1}', '{"a": 1, "b": 1}'],
    ['{"a": null}', '{}'],
    ['[1, 2]', '[2, 1]'],
    ['[1]', '[1, 1]'],
    ['[]', '{}'],
    ['{"0": 1}', '[1]'],
    ['null', '{}'],
    ['"1"', '1'],
    ['{"x": [{"y": "deep"}]}', '{"x": [{"y": "Deep"}]}'],
  ];
  for (const [left, right] of pairs) {
    assert.equal(sameJsonValue(parsed(left), parsed(right)), false, `${left} vs ${right}`);
    assert.equal(sameJsonValue(parsed(right), parsed(left)), false, `${right} vs ${left}`);
  }
});

test('a "__proto__" key is compared as data', () => {
  const first = parsed('{"__proto__": {"x": 1}}');
  assert.equal(sameJsonValue(first, parsed('{"__proto__": {"x": 1}}')), true);
  assert.equal(sameJsonValue(first, parsed('{"__proto__": {"x": 2}}')), false);
  assert.equal(sameJsonValue(first, {}), false);
});

test('values nested far beyond the stack are compared without overflowing it', () => {
  const deep = (bottom: string) => parsed(`${'['.repeat(100_000)}${bottom}${']'.repeat(100_000)}`);
  assert.equal(sameJsonValue(deep('1'), deep('1')), true);
  assert.equal(sameJsonValue(deep('1'), deep('2')), false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { findRepeatedKeys } from '../../src/worker/repeated-keys.js';

test('a key repeated inside a job is found with the path of its object and each line', () => {
  const text = [
    '{',
    '  "jobs": [',
    '    {"id": "a", "args": []},',
    '    {',
    '      "id": "b",',
    '      "args": ["x"],',
    '      "args": ["y"]',
    '    }',
    '  ]',
    '}',
  ].join('\n');

  assert.deepEqual(findRepeatedKeys(text), {
    checked: true,
    repeated: [
      {
        key: 'args',
        objectPath: ['jobs', 1],
        positions: [
          { line: 6, column: 7 },
          { line: 7, column: 7 },
        ],
      },
    ],
  });
});

test('the same key in two different objects is not a repeat', () => {
  const text =
    '{"retry": {"retries": 1}, "notify": {"retries": 1}, "jobs": [{"id": 1}, {"id": 1}]}';

  assert.deepEqual(findRepeatedKeys(text), { checked: true, repeated: [] });
});

test('keys given three times, on one line and in nested objects, come in file order', () => {
  const text = '{"a": {"b": 1, "b": 2}, "a": 3, "__proto__": 1, "a": 4, "__proto__": 2}';

  const scan = findRepeatedKeys(text);

  assert.ok(scan.checked);
  const found = scan.repeated.map(({ key, objectPath, positions }) => ({
    key,
    objectPath,
    columns: positions.map((position) => position.column),
  }));
  assert.deepEqual(found, [
    { key: 'a', objectPath: [], columns: [2, 25, 49] },
    { key: 'b', objectPath: ['a'], columns: [8, 16] },
    { key: '__proto__', objectPath: [], columns: [33, 57] },
  ]);
});

test('a text nested deeper than the stack allows is reported as unchecked, not thrown', () => {
  const depth = 100_000;
  const text = `{"jobs": ${'['.repeat(depth)}${']'.repeat(depth)}, "jobs": []}`;
  JSON.parse(text);

  assert.deepEqual(findRepeatedKeys(text), { checked: false });
});

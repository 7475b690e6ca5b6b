import assert from 'node:assert/strict';
import { test } from 'node:test';

import { showNameBytes } from '../../src/openclaw/name-bytes.js';

function bytes(...parts: (string | number[])[]): Buffer {
  return Buffer.concat(parts.map((part) => Buffer.from(part)));
}

test('UTF-8 characters are kept as text, whatever their length', () => {
  const name = 'ascii é 日本 👋🏽 e\u0301.jsonl';
  assert.equal(showNameBytes(Buffer.from(name)), name);
});

test('each byte that starts no UTF-8 character is shown as \\xNN', () => {
  const cases: [string, Buffer, string][] = [
    ['a Latin-1 letter', bytes('caf', [0xe9], '.jsonl'), 'caf\\xe9.jsonl'],
    ['a lone continuation byte', bytes('a', [0x80], 'b'), 'a\\x80b'],
    ['a character cut at the end', bytes('x', [0xe6, 0x97]), 'x\\xe6\\x97'],
    ['a character cut by ASCII', bytes([0xc3], 'b'), '\\xc3b'],
    ['an overlong "/"', bytes([0xc0, 0xaf]), '\\xc0\\xaf'],
    ['a UTF-16 surrogate', bytes([0xed, 0xa0, 0x80], 'z'), '\\xed\\xa0\\x80z'],
    ['beyond U+10FFFF', bytes([0xf4, 0x90, 0x80, 0x80]), '\\xf4\\x90\\x80\\x80'],
    ['a byte never used', bytes([0xff], 'é'), '\\xffé'],
  ];

  for (const [what, name, shown] of cases) {
    assert.equal(showNameBytes(name), shown, what);
  }
});

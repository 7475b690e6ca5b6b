import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { test } from 'node:test';

import { Utf8Validator } from '../../src/fs/utf8-validator.js';

function validInChunks(bytes: Uint8Array, cuts: number[]): boolean {
  const validator = new Utf8Validator();
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    validator.push(bytes.subarray(start, cut));
    start = cut;
  }
  return validator.end();
}

const SAMPLES: [string, Buffer][] = [
  ['ASCII', Buffer.from('{"a":1}\n')],
  ['two- to four-byte characters', Buffer.from('é中🙂𝄞ü')],
  ['a byte-order mark', Buffer.from('\ufeff{"a":1}')],
  ['a lone continuation byte', Buffer.from([0x61, 0x80, 0x62])],
  ['a cut-off character at the end', Buffer.from([0x61, 0xe4, 0xb8])],
  ['an overlong slash', Buffer.from([0xc0, 0xaf])],
  ['a surrogate encoded as UTF-8', Buffer.from([0xed, 0xa0, 0x80])],
  ['a code point past U+10FFFF', Buffer.from([0xf4, 0x90, 0x80, 0x80])],
  ['a lead byte followed by ASCII', Buffer.from([0xe4, 0x41, 0x42])],
  ['Latin-1 text', Buffer.from('caf\xe9', 'latin1')],
];

test('every way of cutting a sample in two or three agrees with isUtf8 on the whole', () => {
  for (const [what, bytes] of SAMPLES) {
    const expected = isUtf8(bytes);
    for (let first = 0; first <= bytes.length; first += 1) {
      assert.equal(validInChunks(bytes, [first]), expected, `${what}, cut at ${first}`);
      for (let second = first; second <= bytes.length; second += 1) {
        const cuts = [first, second];
        assert.equal(validInChunks(bytes, cuts), expected, `${what}, cut at ${cuts.join(', ')}`);
      }
    }
  }
});

test('a stream that ends inside a character is invalid, even when every chunk looked fine', () => {
  const validator = new Utf8Validator();

  assert.equal(validator.push(Buffer.from('ok ')), true);
  assert.equal(validator.push(Buffer.from([0xf0, 0x9f, 0x99])), true);
  assert.equal(validator.end(), false);
});

test('a chunk may be overwritten once pushed: the held part of a character is a copy', () => {
  const validator = new Utf8Validator();
  const buffer = Buffer.alloc(4);

  Buffer.from([0x61, 0x62, 0xf0, 0x9f]).copy(buffer);
  assert.equal(validator.push(buffer), true);
  Buffer.from([0x99, 0x82, 0x63, 0x64]).copy(buffer);
  assert.equal(validator.push(buffer), true);

  assert.equal(validator.end(), true);
});

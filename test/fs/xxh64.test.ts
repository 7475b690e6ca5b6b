import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { xxh64 } from '../../src/fs/xxh64.js';

const ZSTD_FIXTURES = fileURLToPath(new URL('../../fixtures/zstd/', import.meta.url));

/** Bytes that differ from their neighbours, so a misread lane or tail changes the hash. */
function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let index = 0; index < length; index += 1) bytes[index] = (index * 131 + 17) & 0xff;
  return bytes;
}

test('xxh64 of short strings matches the published values', () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  assert.equal(xxh64(encode('')), 0xef46db3751d8e999n);
  assert.equal(xxh64(encode('a')), 0xd24ec4f1a98c6e5bn);
  assert.equal(xxh64(encode('abc')), 0x44bc2cf5ad770999n);
});

test('xxh64 matches xxhsum at every length where a different code path starts', () => {
  // Computed with `xxh64sum` (xxHash 0.8.1) over the same pattern bytes.
  const expected: Array<[number, bigint]> = [
    [0, 0xef46db3751d8e999n],
    [1, 0xad10cd9780ac4ff7n],
    [3, 0x40626d96276e4594n],
    [4, 0x882207c122c76e23n],
    [5, 0xa3da885eec618bb4n],
    [7, 0xcfc90033aa9dac4fn],
    [8, 0x90fda2f089fa86den],
    [9, 0xa80deb192b8c5215n],
    [15, 0x59f95bad12d14c9dn],
    [16, 0x3a5b1165d151aa50n],
    [31, 0x44cc9efe5d2d0233n],
    [32, 0x0e1aab1d173cf196n],
    [33, 0x5c820b4b4fe28fdcn],
    [39, 0xd0ab734277760e45n],
    [40, 0xc0441297b12d2395n],
    [63, 0x1153d36cade87066n],
    [64, 0xd4c20ef54cbc9f67n],
    [65, 0xac086c9b87baea67n],
    [100, 0x7f8375f3e09d8123n],
    [255, 0xfc0c21a234c0a092n],
    [1000, 0x9fb3251bef67c2b5n],
    [65536, 0xff81aad1d8602479n],
    [1048576, 0x0d4ce2313223e3d6n],
  ];

  for (const [length, hash] of expected) {
    assert.equal(xxh64(pattern(length)), hash, `${length} bytes`);
  }
});

test('xxh64 reads only the bytes of a view, not the rest of its buffer', () => {
  const whole = pattern(100);

  const middle = whole.subarray(3, 3 + 64);

  assert.equal(xxh64(middle), xxh64(Uint8Array.from(middle)));
  assert.notEqual(xxh64(middle), xxh64(pattern(64)));
});

test('the low 32 bits of xxh64 are what zstd stored as the fixture checksum', async () => {
  const text = await readFile(`${ZSTD_FIXTURES}transcript.jsonl`);
  const compressed = await readFile(`${ZSTD_FIXTURES}transcript.jsonl.zst`);

  const hash = xxh64(text);

  // `xxh64sum transcript.jsonl` prints 82e100a1de487e2c.
  assert.equal(hash, 0x82e100a1de487e2cn);
  assert.equal(Number(hash & 0xffffffffn), compressed.readUInt32LE(compressed.length - 4));
});

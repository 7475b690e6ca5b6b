import assert from 'node:assert/strict';
import { test } from 'node:test';

import { escapeJsonBytes, jsonEscapedLength } from '../../src/nexus/json-string-bytes.js';

/** What JSON.stringify puts between the quotes, as bytes. */
function stringified(text: string): Buffer {
  return Buffer.from(JSON.stringify(text).slice(1, -1));
}

function randomText(length: number, random: () => number): string {
  // Control characters, quotes, backslashes, ASCII, two-, three- and four-byte characters.
  const pool = ['\u0000', '\u0001', '\b', '\t', '\n', '\f', '\r', '\u001f', '"', '\\', '/', 'a',
    ' ', '\u007f', 'é', 'ß', '\u2028', '€', '中', '\ufeff', '🙂', '𝄞'];
  let text = '';
  for (let index = 0; index < length; index += 1) {
    text += pool[Math.floor(random() * pool.length)];
  }
  return text;
}

/** A small seeded generator, so that a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

test('every byte escapes as JSON.stringify escapes its character', () => {
  for (let code = 0; code < 0x80; code += 1) {
    const text = String.fromCharCode(code);
    const bytes = Buffer.from(text);
    assert.deepEqual(Buffer.from(escapeJsonBytes(bytes)), stringified(text), `U+${code}`);
    assert.equal(jsonEscapedLength(bytes), stringified(text).length, `U+${code}`);
  }
});

test('random texts cut into random chunks escape to exactly what JSON.stringify writes', () => {
  const random = seeded(20_261_203);
  for (let round = 0; round < 200; round += 1) {
    const text = randomText(1 + Math.floor(random() * 400), random);
    const bytes = Buffer.from(text);

    const pieces: Uint8Array[] = [];
    let measured = 0;
    for (let start = 0; start < bytes.length; ) {
      const end = Math.min(bytes.length, start + 1 + Math.floor(random() * 7));
      const chunk = bytes.subarray(start, end);
      measured += jsonEscapedLength(chunk);
      pieces.push(escapeJsonBytes(chunk));
      start = end;
    }

    const escaped = Buffer.concat(pieces);
    assert.deepEqual(escaped, stringified(text), `round ${round}`);
    assert.equal(measured, escaped.length, `round ${round}`);
    assert.equal(JSON.parse(`"${escaped.toString('utf8')}"`), text, `round ${round}`);
  }
});

test('bytes that need no escape come back as they are, not copied', () => {
  const bytes = Buffer.from('plain text with ü and 🙂');

  assert.equal(escapeJsonBytes(bytes), bytes);
});

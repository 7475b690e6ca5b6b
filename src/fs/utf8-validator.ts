import { isUtf8 } from 'node:buffer';

import { utf8CharacterLength } from './utf8-character.js';

/**
 * Checks that a byte stream is valid UTF-8, chunk by chunk, without decoding it. A character cut
 * in two by a chunk boundary is held back and checked with the next chunk.
 */
export class Utf8Validator {
  private held: Uint8Array = new Uint8Array(0);
  private valid = true;

  /** False as soon as the bytes so far cannot be valid UTF-8. `chunk` is not kept. */
  push(chunk: Uint8Array): boolean {
    if (!this.valid) return false;

    const bytes = this.held.length === 0 ? chunk : Buffer.concat([this.held, chunk]);
    const cut = completeLength(bytes);
    // A copy: the caller may reuse the chunk's memory for the next one.
    this.held = Uint8Array.prototype.slice.call(bytes, cut);
    this.valid = isUtf8(bytes.subarray(0, cut));
    return this.valid;
  }

  /** Whether the whole stream was valid: nothing may be left of a cut character. */
  end(): boolean {
    if (this.held.length > 0) this.valid = false;
    return this.valid;
  }
}

/**
 * How many bytes at the start of `bytes` end on a character boundary, assuming the tail is the
 * start of a character that the next chunk completes. A malformed tail is left in; isUtf8 refuses
 * it then.
 */
function completeLength(bytes: Uint8Array): number {
  // A UTF-8 character is at most 4 bytes: its lead byte is within the last 3 of an incomplete tail.
  const earliest = Math.max(0, bytes.length - 3);
  for (let index = bytes.length - 1; index >= earliest; index -= 1) {
    const byte = bytes[index]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back

    // A byte that starts no character is left in, for isUtf8 to refuse.
    const needed = Math.max(1, utf8CharacterLength(byte));
    return index + needed > bytes.length ? index : bytes.length;
  }
  return bytes.length;
}

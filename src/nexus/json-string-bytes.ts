/**
 * JSON string escaping done on UTF-8 bytes, so that a large text can go into a request body
 * without ever becoming a JavaScript string. For valid UTF-8 the result is byte for byte what
 * `JSON.stringify` of the decoded text would put between its quotes: bytes of multi-byte
 * characters pass through, and only `"`, `\` and the control characters below 0x20 are escaped.
 */

/** How many bytes each input byte grows by once escaped: 0, 1 (`\n`) or 5 (`\u001f`). */
const GROWTH = new Uint8Array(256);
/** The letter after the backslash for the escapes that have a short form. */
const SHORT_FORM = new Map<number, number>([
  [0x08, 0x62], // \b
  [0x09, 0x74], // \t
  [0x0a, 0x6e], // \n
  [0x0c, 0x66], // \f
  [0x0d, 0x72], // \r
  [0x22, 0x22], // \"
  [0x5c, 0x5c], // \\
]);
for (let byte = 0; byte < 0x20; byte += 1) GROWTH[byte] = 5;
for (const byte of SHORT_FORM.keys()) GROWTH[byte] = 1;

const BACKSLASH = 0x5c;
const HEX_DIGITS = Buffer.from('0123456789abcdef');

/** The size of `bytes` once escaped for the inside of a JSON string. */
export function jsonEscapedLength(bytes: Uint8Array): number {
  let length = bytes.length;
  for (let index = 0; index < bytes.length; index += 1) length += GROWTH[bytes[index]!]!;
  return length;
}

/**
 * `bytes` escaped for the inside of a JSON string. Escaping looks at one byte at a time, so a
 * text cut into chunks anywhere, even inside a character, escapes to the same bytes chunk by chunk.
 */
export function escapeJsonBytes(bytes: Uint8Array): Uint8Array {
  const length = jsonEscapedLength(bytes);
  if (length === bytes.length) return bytes;

  const out = Buffer.allocUnsafe(length);
  let written = 0;
  let runStart = 0;
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index]!;
    if (GROWTH[byte] === 0) continue;

    out.set(bytes.subarray(runStart, index), written);
    written += index - runStart;
    runStart = index + 1;
    written = writeEscape(out, written, byte);
  }
  out.set(bytes.subarray(runStart), written);

  return out;
}

function writeEscape(out: Buffer, at: number, byte: number): number {
  out[at] = BACKSLASH;
  const short = SHORT_FORM.get(byte);
  if (short !== undefined) {
    out[at + 1] = short;
    return at + 2;
  }

  // \u00XX for the other control characters, in lower case as JSON.stringify writes them.
  out.write('u00', at + 1, 'latin1');
  out[at + 4] = HEX_DIGITS[byte >> 4]!;
  out[at + 5] = HEX_DIGITS[byte & 0x0f]!;
  return at + 6;
}

import { createHash } from 'node:crypto';

/** ext4 allows 255 bytes per name; APFS and NTFS allow 255 characters, which is never less. */
export const MAX_FILE_NAME_BYTES = 255;

const EXTENSION = '.json';
/** Marks a name that had to change; it never survives in a name that was kept as it was. */
const HASH_MARK = '~';
const HASH_HEX_DIGITS = 16;
const REPLACEMENT = '_';

/**
 * File names for a webhook item in the inbox, best first.
 *
 * The first is `{source}_{id}.json` when that is a safe name as it stands. Otherwise the unsafe
 * parts are replaced, the name is cut to fit, and `~{hash}` of the original (source, id) is
 * added, so two items never share a name: a kept name has no `~` and splits at its first `_`
 * back into source and id, while a changed name carries its item's hash. The hashed name is
 * always offered as a further choice, for a file system that folds case or Unicode forms and
 * so sees another item's file under the first name.
 */
export function inboxFileNames(source: string, id: string): string[] {
  const cleaned = cleanName(source, id);
  const hashed = hashedName(cleaned.text, source, id);
  return cleaned.changed ? [hashed] : [`${cleaned.text}${EXTENSION}`, hashed];
}

interface CleanText {
  text: string;
  changed: boolean;
}

function cleanName(source: string, id: string): CleanText {
  const cleanSource = cleanPart(source);
  const cleanId = cleanPart(id);
  let text = `${cleanSource.text}_${cleanId.text}`;
  // A `_` inside the source would make `{source}_{id}` split in more than one way.
  let changed = cleanSource.changed || cleanId.changed || source.includes('_');

  // A leading dot hides the file from the agent's listing; a leading dash reads as an option.
  const lead = /^[.-]+/.exec(text)?.[0] ?? '';
  if (lead.length > 0) {
    text = REPLACEMENT.repeat(lead.length) + text.slice(lead.length);
    changed = true;
  }

  if (Buffer.byteLength(`${text}${EXTENSION}`, 'utf8') > MAX_FILE_NAME_BYTES) changed = true;
  return { text, changed };
}

/** Replaces every character that could split, hide or garble a file name. */
function cleanPart(text: string): CleanText {
  let result = '';
  let changed = false;
  for (const char of text) {
    if (isUnsafe(char)) {
      result += REPLACEMENT;
      changed = true;
    } else {
      result += char;
    }
  }
  return { text: result, changed };
}

function isUnsafe(char: string): boolean {
  if (char === '/' || char === '\\' || char === HASH_MARK) return true;

  const code = char.codePointAt(0) ?? 0;
  const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
  // Half of a surrogate pair has no UTF-8 form: the file system would see U+FFFD instead.
  const loneSurrogate = code >= 0xd800 && code <= 0xdfff;
  // Invisible marks and direction overrides can make a name look like another one.
  const invisible =
    code === 0x061c ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2069) ||
    code === 0xfeff;
  return control || loneSurrogate || invisible;
}

function hashedName(cleaned: string, source: string, id: string): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([source, id]))
    .digest('hex')
    .slice(0, HASH_HEX_DIGITS);
  const tail = `${HASH_MARK}${hash}${EXTENSION}`;
  return `${cutToBytes(cleaned, MAX_FILE_NAME_BYTES - tail.length)}${tail}`;
}

/** The longest start of `text` that fits in `maxBytes` of UTF-8, never splitting a character. */
function cutToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}

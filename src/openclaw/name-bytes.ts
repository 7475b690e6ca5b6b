/**
 * Linux lets a file name hold any bytes but `/` and NUL, while Nexus and the log take text. A name
 * that is not UTF-8 is shown with each byte that starts no UTF-8 character written as `\xNN`, so
 * a person can still tell which file is meant.
 */
import { isUtf8 } from 'node:buffer';

import { utf8CharacterLength } from '../fs/utf8-character.js';

export function showNameBytes(name: Buffer): string {
  let shown = '';
  let index = 0;

  while (index < name.length) {
    const lead = name[index] as number;
    const length = utf8CharacterLength(lead);
    const character = name.subarray(index, index + length);
    if (length > 0 && character.length === length && isUtf8(character)) {
      shown += character.toString('utf8');
      index += length;
    } else {
      shown += `\\x${lead.toString(16).padStart(2, '0')}`;
      index += 1;
    }
  }
  return shown;
}

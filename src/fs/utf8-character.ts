/**
 * How many bytes the UTF-8 character that `lead` starts takes: 1 to 4, or 0 for a byte that
 * starts no character (a continuation byte, or one UTF-8 never uses).
 */
export function utf8CharacterLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

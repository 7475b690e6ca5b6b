/**
 * A seeded random source, so every bench run writes the same folders and two runs on one
 * machine compare like with like.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** A whole number in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** A size between min and max, spread evenly on a log scale: small values are common. */
  logScale(min: number, max: number): number;
  /** A version 4 UUID in its text form, drawn from this source. */
  uuid(): string;
}

/** mulberry32: small, fast and good enough to spread sizes and names. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const hex = (digits: number): string => {
    let text = '';
    for (let i = 0; i < digits; i += 1) text += int(0, 15).toString(16);
    return text;
  };

  return {
    next,
    int,
    pick: (items) => items[int(0, items.length - 1)] as (typeof items)[number],
    logScale: (min, max) => Math.round(min * Math.exp(next() * Math.log(max / min))),
    uuid: () =>
      `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[int(0, 3)]}${hex(3)}-${hex(12)}`,
  };
}

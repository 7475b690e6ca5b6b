/**
 * A small seeded random source (mulberry32), so a crash trial's backfill, its kill point and
 * its removals can be rebuilt from the seed printed with every failure.
 */
export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(choices: readonly T[]): T;
  /** A number between `min` and `max` whose logarithm is uniform: many small, few large. */
  logUniform(min: number, max: number): number;
  /** A version 4 UUID drawn from this source, so file names replay with the seed. */
  uuid(): string;
  hex(length: number): string;
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const hex = (length: number): string =>
    Array.from({ length }, () => int(0, 15).toString(16)).join('');

  return {
    seed,
    next,
    int,
    hex,
    chance: (p) => next() < p,
    pick: <T>(choices: readonly T[]): T => {
      if (choices.length === 0) throw new Error('pick needs at least one choice');
      return choices[int(0, choices.length - 1)] as T;
    },
    logUniform: (min, max) => Math.exp(Math.log(min) + next() * (Math.log(max) - Math.log(min))),
    uuid: () => {
      const variant = (8 + int(0, 3)).toString(16);
      return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
    },
  };
}

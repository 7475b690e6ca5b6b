const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Largest first. */
const UNITS: readonly (readonly [string, number])[] = [
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
];

/**
 * `45s`, `5m`, `2h 5m`, `3d 4h`: the largest unit and the one below it, rounded down;
 * `under 1s` for less.
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms));
  const first = UNITS.findIndex(([, size]) => total >= size);
  const largest = UNITS[first];
  if (!largest) return 'under 1s';

  const [unit, size] = largest;
  const whole = Math.floor(total / size);
  const below = UNITS[first + 1];
  const rest = below ? Math.floor((total - whole * size) / below[1]) : 0;
  return below && rest > 0 ? `${whole}${unit} ${rest}${below[0]}` : `${whole}${unit}`;
}

/** `5m ago` for a time `ms` in the past, `in 55m` for one in the future. */
export function formatRelative(ms: number): string {
  return ms >= 0 ? `${formatDuration(ms)} ago` : `in ${formatDuration(-ms)}`;
}

/** What every scenario hands back, and the file `npm run bench` writes. */

/** A limit a measure should stay within; `below` is strict, `atMost` is not. */
export type Target = { below: number } | { atMost: number };

export interface Measure {
  name: string;
  value: number;
  unit: string;
  target?: Target;
  /** Set when there is a target: whether the value meets it. */
  pass?: boolean;
  note?: string;
}

export type ScenarioStatus = 'ok' | 'not available' | 'error';

export interface ScenarioResult {
  name: string;
  status: ScenarioStatus;
  /** Why a scenario is not available or failed. */
  reason?: string;
  measures: Measure[];
  /** Raw figures behind the measures: sizes, every round, CPU split, profiles. */
  details: Record<string, unknown>;
  seconds: number;
}

export function measure(
  name: string,
  value: number,
  unit: string,
  extra: { target?: Target; note?: string } = {},
): Measure {
  // Four decimals are more than any of these figures can tell apart.
  const result: Measure = { name, value: Math.round(value * 1e4) / 1e4, unit, ...extra };
  if (extra.target) result.pass = meets(value, extra.target);
  return result;
}

function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  return 'below' in target ? value < target.below : value <= target.atMost;
}

export function describeTarget(target: Target, unit: string): string {
  const space = unit === '×' || unit === '%' ? '' : ' ';
  if ('below' in target) return `< ${target.below}${space}${unit}`;
  return `≤ ${target.atMost}${space}${unit}`;
}

/**
 * True when two values parsed from JSON hold the same data: the same keys with the same values,
 * in any key order, and the same array elements in the same order. Compares with a list of its
 * own rather than by recursion, so no nesting depth can overflow the stack. `0` and `-0` count
 * as the same, as both are written `0`.
 */
export function sameJsonValue(first: unknown, second: unknown): boolean {
  const pending: Array<[unknown, unknown]> = [[first, second]];

  while (pending.length > 0) {
    const [left, right] = pending.pop() as [unknown, unknown];
    if (left === right) continue;
    if (!isContainer(left) || !isContainer(right)) return false;
    if (Array.isArray(left) !== Array.isArray(right)) return false;

    const leftKeys = Object.keys(left);
    if (leftKeys.length !== Object.keys(right).length) return false;
    for (const key of leftKeys) {
      if (!Object.hasOwn(right, key)) return false;
      pending.push([left[key], right[key]]);
    }
  }
  return true;
}

function isContainer(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

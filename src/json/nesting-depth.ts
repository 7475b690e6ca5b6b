/**
 * The deepest nesting of arrays and objects that webhook items may have, in the worker's inbox
 * files and in the local Nexus. Parsing deeper JSON needs no stack, but `JSON.stringify`
 * recurses once per level and Node runs out of stack at about 4,000 levels. A quarter of that
 * leaves room for whatever else is on the stack, and is far beyond any real webhook.
 */
export const MAX_NESTING_DEPTH = 1000;

/**
 * True when `value` holds arrays or objects nested more than `limit` levels deep; a plain value
 * is 0 deep, `[]` is 1. Walks with a list of its own instead of recursing, so the depth it is
 * asked about cannot overflow the stack, and stops at the first branch that goes too deep.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];

  while (values.length > 0) {
    const current = values.pop();
    const depth = (depths.pop() ?? 0) + 1;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;

    for (const inner of Object.values(current)) {
      if (typeof inner === 'object' && inner !== null) {
        values.push(inner);
        depths.push(depth);
      }
    }
  }
  return false;
}

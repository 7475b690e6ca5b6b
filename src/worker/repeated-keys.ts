import jsonc from 'jsonc-parser';

/** Where a key stands in the file, both 1-based. */
export interface KeyPosition {
  line: number;
  column: number;
}

/** A key that one JSON object holds more than once; JSON.parse keeps only its last value. */
export interface RepeatedKey {
  key: string;
  /** Where the object is, as a path from the top: `['jobs', 0]`; empty for the top level. */
  objectPath: Array<string | number>;
  /** Each occurrence, in file order. */
  positions: KeyPosition[];
}

export type RepeatedKeysScan =
  | { checked: true; repeated: RepeatedKey[] }
  /** Nested deeper than the call stack allows: no answer either way. */
  | { checked: false };

interface OpenObject {
  path: Array<string | number>;
  positionsByKey: Map<string, KeyPosition[]>;
}

/**
 * Finds every key given twice or more within one object of a JSON text, which must already
 * have passed JSON.parse. The scan is strict JSON: no comments, no trailing commas.
 */
export function findRepeatedKeys(text: string): RepeatedKeysScan {
  const open: OpenObject[] = [];
  const repeated: RepeatedKey[] = [];

  const visitor: jsonc.JSONVisitor = {
    onObjectBegin: (_offset, _length, _line, _column, pathOf) => {
      open.push({ path: pathOf(), positionsByKey: new Map() });
    },
    onObjectProperty: (key, _offset, _length, line, column) => {
      const positionsByKey = open.at(-1)?.positionsByKey;
      const positions = positionsByKey?.get(key) ?? [];
      positions.push({ line: line + 1, column: column + 1 });
      positionsByKey?.set(key, positions);
    },
    onObjectEnd: () => {
      const object = open.pop();
      for (const [key, positions] of object?.positionsByKey ?? []) {
        if (positions.length > 1) repeated.push({ key, objectPath: object?.path ?? [], positions });
      }
    },
  };

  try {
    jsonc.visit(text, visitor, { disallowComments: true, allowTrailingComma: false });
  } catch (error) {
    // The visitor recurses once per level; JSON.parse, which already read the text, does not.
    if (error instanceof RangeError) return { checked: false };
    throw error;
  }

  // Inner objects end first; a reader wants them in the order the file has them.
  return { checked: true, repeated: repeated.sort((a, b) => compareFirst(a, b)) };
}

function compareFirst(a: RepeatedKey, b: RepeatedKey): number {
  const [first, second] = [a.positions[0], b.positions[0]];
  if (!first || !second) return 0;
  return first.line - second.line || first.column - second.column;
}

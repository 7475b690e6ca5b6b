/** A systemd unit file read as sections of directives; a directive may be given more than once. */
export type UnitFile = Map<string, Map<string, string[]>>;

/**
 * Reads the subset of the unit file syntax the shipped unit uses: `[Section]` headers,
 * `Key=value` lines, `#` and `;` comments, and lines continued with a trailing backslash.
 */
export function parseUnitFile(text: string): UnitFile {
  const sections: UnitFile = new Map();
  let current: Map<string, string[]> | undefined;

  for (const line of joinContinuedLines(text)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;

    const header = /^\[(.+)\]$/.exec(trimmed);
    if (header) {
      current = new Map();
      sections.set(header[1] ?? '', current);
      continue;
    }

    const equals = trimmed.indexOf('=');
    if (equals < 1 || !current) throw new Error(`not a unit file line: ${trimmed}`);
    const key = trimmed.slice(0, equals).trim();
    const values = current.get(key) ?? [];
    values.push(trimmed.slice(equals + 1).trim());
    current.set(key, values);
  }
  return sections;
}

function joinContinuedLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const line of text.split('\n')) {
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    lines.push(pending + line);
    pending = '';
  }
  if (pending !== '') lines.push(pending);
  return lines;
}

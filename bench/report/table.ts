import type { MachineInfo } from './machine.js';
import { describeTarget, type Measure, type ScenarioResult } from './results.js';

const HEADINGS = ['scenario', 'measure', 'value', 'target', 'result'];
const VALUE_COLUMN = 2;

/** The results as a plain-text table, one row per measure, for the terminal. */
export function formatTable(machine: MachineInfo, scenarios: readonly ScenarioResult[]): string {
  const rows: string[][] = [];
  for (const scenario of scenarios) {
    if (scenario.status === 'ok') {
      for (const item of scenario.measures) rows.push(row(scenario.name, item));
    } else {
      rows.push([scenario.name, scenario.status, '', '', scenario.reason ?? '']);
    }
  }

  // The last column holds free text (a reason), so it sets no width.
  const widths = HEADINGS.slice(0, -1).map((heading, column) =>
    Math.max(heading.length, ...rows.map((cells) => cells[column]?.length ?? 0)),
  );
  const layout = (cells: string[]): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return column === VALUE_COLUMN ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = [...widths, HEADINGS.at(-1)?.length ?? 0].map((width) => '-'.repeat(width));

  const header =
    `${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ` +
    `Node ${machine.nodeVersion}, load ${machine.loadAverage.join(' ')}, ${machine.date}`;
  const lines = [layout(HEADINGS), rule.join('  '), ...rows.map(layout)];
  return `${header}\n\n${lines.join('\n')}\n`;
}

function row(scenario: string, item: Measure): string[] {
  const target = item.target ? describeTarget(item.target, item.unit) : '';
  const verdict = item.pass === undefined ? '' : item.pass ? 'PASS' : 'FAIL';
  return [scenario, item.name, formatValue(item.value, item.unit), target, verdict];
}

export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return 'n/a';
  const magnitude = Math.abs(value);
  const digits = unit === '%' ? 3 : magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  const space = unit === '×' || unit === '%' ? '' : ' ';
  return `${value.toFixed(digits)}${space}${unit}`;
}

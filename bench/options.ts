import path from 'node:path';
import { parseArgs } from 'node:util';

import { REPO_ROOT } from './paths.js';

export interface BenchOptions {
  quick: boolean;
  /** Scenario names to run; every scenario when empty. */
  only: string[];
  cpuProfile: boolean;
  /** Where the JSON results go. */
  out: string;
  help: boolean;
}

export const DEFAULT_OUT = path.join(REPO_ROOT, 'bench', 'results', 'latest.json');

export function helpText(scenarios: readonly { name: string; summary: string }[]): string {
  const width = Math.max(...scenarios.map((scenario) => scenario.name.length));
  const list = scenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.summary}`).join('\n');
  return `usage: npm run bench -- [--quick] [--only NAME[,NAME]] [--cpu-prof] [--out FILE]

Measures nexus-worker on this machine and writes the results to bench/results/latest.json.

  --quick      small sizes, for a smoke test; the figures mean little
  --only NAME  run only these scenarios (repeat the flag or separate names by commas)
  --cpu-prof   profile the worker's runs (node --cpu-prof) and summarise where its time went
  --out FILE   write the JSON results here instead

NEXUS_BENCH_DIST=DIR measures the build in DIR instead of dist/ (a snapshot, another commit).

scenarios:
${list}
`;
}

export function parseBenchOptions(argv: string[], known: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true, default: [] },
      'cpu-prof': { type: 'boolean', default: false },
      out: { type: 'string', default: DEFAULT_OUT },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });

  const only = values.only.flatMap((names) => names.split(',')).filter((name) => name !== '');
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  return {
    quick: values.quick,
    only,
    cpuProfile: values['cpu-prof'],
    out: path.resolve(values.out),
    help: values.help,
  };
}

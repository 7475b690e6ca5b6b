import type { ScenarioResult } from './report/results.js';
import type { BenchSizes } from './sizes.js';

/** What every scenario gets from the bench runner. */
export interface BenchContext {
  sizes: BenchSizes;
  /** A folder of its own, removed by the runner afterwards. */
  workDir: string;
  /** Profile the worker's runs with --cpu-prof and summarise where its time went. */
  cpuProfile: boolean;
  /** A progress line on stderr. */
  progress(message: string): void;
}

export type ScenarioOutcome = Omit<ScenarioResult, 'name' | 'seconds'>;

export interface Scenario {
  name: string;
  /** One line for `--help`. */
  summary: string;
  run(context: BenchContext): Promise<ScenarioOutcome>;
}

export function notAvailable(reason: string): ScenarioOutcome {
  return { status: 'not available', reason, measures: [], details: {} };
}

export function failed(reason: string, details: Record<string, unknown> = {}): ScenarioOutcome {
  return { status: 'error', reason, measures: [], details };
}

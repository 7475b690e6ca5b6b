import { randomInt } from 'node:crypto';

/** Trials per job type when CRASH_TRIALS does not say otherwise. */
export const DEFAULT_TRIALS = 30;

export interface TrialSeeds {
  seeds: number[];
  /** How the seeds were chosen, printed once at the start of the suite. */
  origin: string;
}

/**
 * The seeds this suite runs. `CRASH_SEED=<n>` replays that one trial; otherwise a fresh random
 * first seed each time, so repeated runs explore new kill points, and `CRASH_TRIALS=<n>` trials.
 */
export function trialSeeds(env: NodeJS.ProcessEnv = process.env): TrialSeeds {
  const replay = env.CRASH_SEED;
  if (replay !== undefined && replay !== '') {
    return { seeds: [parseWhole('CRASH_SEED', replay)], origin: `replaying CRASH_SEED=${replay}` };
  }

  const count = env.CRASH_TRIALS ? parseWhole('CRASH_TRIALS', env.CRASH_TRIALS) : DEFAULT_TRIALS;
  const first = randomInt(1, 2 ** 31);
  const seeds = Array.from({ length: count }, (_, index) => first + index);
  return { seeds, origin: `${count} trials, seeds ${first}..${first + count - 1}` };
}

/** Put in front of every assertion message: which trial failed and how to run it alone. */
export function trialLabel(jobType: string, seed: number): string {
  return `[${jobType} seed ${seed}; replay with CRASH_SEED=${seed} npm run test:crash]`;
}

function parseWhole(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number of 0 or more, got "${text}"`);
  }
  return value;
}

/**
 * Node's timers hold at most 2^31 - 1 ms (about 24.8 days); a longer wait fires at once, with a
 * warning that would break the log format. Every duration in the config stays below it.
 */
export const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export const TIMER_LIMIT_MESSAGE = `must be at most ${MAX_TIMER_SECONDS} seconds (about 24 days)`;

/**
 * How big each scenario is. The full sizes are the ones the targets are set for; `--quick`
 * shrinks them so a smoke test finishes in seconds (its figures mean little).
 */
export interface BenchSizes {
  backfill: {
    small: number;
    smallBytes: [number, number];
    large: number;
    largeBytes: [number, number];
    concurrency: number;
    /** Baseline and worker each run this many times; the fastest run of each counts. */
    rounds: number;
    /** Small posts that measure the local Nexus alone. */
    nexusPosts: number;
  };
  largeTranscripts: { count: number; bytes: [number, number]; concurrency: number };
  scan: {
    files: number;
    storeEntries: number;
    bigStoreBytes: number;
    /** In-process scans after the first, to see the cost once the code is warm. */
    repeats: number;
  };
  webhookPull: { items: number };
  /** The window measured, after `settleSeconds` for the daemon to finish starting up. */
  idleDaemon: { seconds: number; settleSeconds: number };
}

const MB = 1_000_000;

export const FULL_SIZES: BenchSizes = {
  backfill: {
    small: 970,
    smallBytes: [10_000, 500_000],
    large: 30,
    largeBytes: [2 * MB, 9.8 * MB],
    concurrency: 4,
    rounds: 2,
    nexusPosts: 3000,
  },
  largeTranscripts: { count: 20, bytes: [9.4 * MB, 9.6 * MB], concurrency: 4 },
  scan: { files: 20_000, storeEntries: 5000, bigStoreBytes: 100 * MB, repeats: 2 },
  webhookPull: { items: 5000 },
  idleDaemon: { seconds: 60, settleSeconds: 15 },
};

export const QUICK_SIZES: BenchSizes = {
  backfill: {
    small: 38,
    smallBytes: [10_000, 100_000],
    large: 2,
    largeBytes: [2 * MB, 3 * MB],
    concurrency: 4,
    rounds: 1,
    nexusPosts: 200,
  },
  largeTranscripts: { count: 4, bytes: [9.4 * MB, 9.6 * MB], concurrency: 4 },
  scan: { files: 2000, storeEntries: 200, bigStoreBytes: 5 * MB, repeats: 0 },
  webhookPull: { items: 200 },
  idleDaemon: { seconds: 3, settleSeconds: 1 },
};

import type { Landing } from './kill-landings.js';
import type { KillPoint, WatchedRun } from './killed-run.js';
import type { SeededRandom } from './seeded-random.js';


/**
 * Learns how long a whole run takes and how many log lines it prints, from every run that did
 * the whole backfill, and picks kill points spread over that span. The median of what was
 * seen keeps one slow run on a busy machine from pushing kills past the end.
 */
export class KillPlanner {
  private readonly durations: number[] = [];
  private readonly lineCounts: number[] = [];

  /** Records a run that worked through the whole backfill by itself. */
  observeWholeRun(run: WatchedRun): void {
    this.durations.push(run.elapsedMs);
    this.lineCounts.push(run.logLines);
  }

  /**
   * Learns from a trial: a run that exited before its kill did the whole backfill, and so did
   * the completion run after a kill that came before any work was visible.
   */
  observeTrial(killed: WatchedRun, completion: WatchedRun, landing: Landing): void {
    if (!killed.killed) this.observeWholeRun(killed);
    else if (landing === 'early') this.observeWholeRun(completion);
  }

  get ready(): boolean {
    return this.durations.length > 0;
  }

  get typicalMs(): number {
    return median(this.durations);
  }

  /** Half the trials kill at a time in the run, half just after one of its log lines. */
  pick(random: SeededRandom): KillPoint {
    if (random.chance(0.5)) return { kind: 'time', afterMs: random.next() * this.typicalMs };
    const nth = random.int(1, Math.max(1, median(this.lineCounts)));
    // What follows a log line at once (a ledger save, a move) takes a few ms: most waits are
    // that short, a few reach a twentieth of a whole run.
    const longest = Math.max(15, this.typicalMs / 20);
    return { kind: 'log-line', nth, extraMs: Math.round(longest * random.next() ** 3) };
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

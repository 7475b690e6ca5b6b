/** Where a kill landed: before any work was visible, partway, after all of it, or too late. */
export type Landing = 'early' | 'middle' | 'late' | 'exitedFirst';

/** Where the kills of a suite landed, so a reader sees that early, middle and late were hit. */
export class KillLandings {
  private readonly counts: Record<Landing, number> = {
    early: 0,
    middle: 0,
    late: 0,
    exitedFirst: 0,
  };

  /**
   * `done` of `total` units of work were visible after the kill; `killed` is false when the
   * run had already exited by itself.
   */
  record(killed: boolean, done: number, total: number): Landing {
    let where: Landing;
    if (!killed) where = 'exitedFirst';
    else if (done === 0) where = 'early';
    else if (done < total) where = 'middle';
    else where = 'late';
    this.counts[where] += 1;
    return where;
  }

  summary(): string {
    const { early, middle, late, exitedFirst } = this.counts;
    return (
      `kills landed: ${early} before any work was visible, ${middle} partway, ` +
      `${late} after all work but before exit, ${exitedFirst} after the run had exited`
    );
  }
}

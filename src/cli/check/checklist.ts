import { redact } from '../../worker/logger.js';
import { printable } from '../printable.js';

export type CheckOutcome = 'ok' | 'warn' | 'FAIL';

/**
 * The lines of `nexus-worker check`, printed as each check ends (a slow network check then
 * does not hide the others): `FAIL  inbox     workspace … not found: fix args[1] …`.
 */
export class Checklist {
  private readonly counts: Record<CheckOutcome, number> = { ok: 0, warn: 0, FAIL: 0 };
  private readonly subjectWidth: number;

  constructor(
    private readonly write: (text: string) => void,
    /** Every subject that will appear, so the columns line up from the first line. */
    subjects: readonly string[],
    /** Masked in every line: a server may quote the key back. */
    private readonly secrets: readonly string[],
  ) {
    this.subjectWidth = Math.max(0, ...subjects.map((subject) => subject.length));
  }

  ok(subject: string, text: string): void {
    this.add('ok', subject, text);
  }

  warn(subject: string, text: string): void {
    this.add('warn', subject, text);
  }

  fail(subject: string, text: string): void {
    this.add('FAIL', subject, text);
  }

  get failed(): number {
    return this.counts.FAIL;
  }

  /** `All 9 checks passed.`, `2 of 9 checks failed; 1 warning.` */
  summary(): string {
    const { ok, warn, FAIL } = this.counts;
    const total = ok + warn + FAIL;
    const warnings = warn === 0 ? '' : `; ${warn} ${warn === 1 ? 'warning' : 'warnings'}`;
    if (FAIL === 0) return `All ${total} checks passed${warnings}.`;
    return `${FAIL} of ${total} checks failed${warnings}.`;
  }

  private add(outcome: CheckOutcome, subject: string, text: string): void {
    this.counts[outcome] += 1;
    const head = `${outcome.padEnd(4)}  ${subject.padEnd(this.subjectWidth)}  `;
    // A text of several lines (a config's problems) continues under its first line.
    const body = text.split('\n').map(printable).join(`\n${' '.repeat(head.length)}`);
    this.write(`${redact(head + body, this.secrets)}\n`);
  }
}

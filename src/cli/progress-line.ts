/** The part of a terminal stream the progress line uses; tests hand in a fake one. */
export interface ProgressStream {
  write(text: string): unknown;
  /** The terminal's width; a line this long or longer would wrap and could not be redrawn. */
  columns?: number;
}

/** Moves the cursor to the start of the line and erases the line. */
const ERASE_LINE = '\r\x1b[K';

/**
 * One line at the bottom of a terminal that is redrawn in place, `main-sessions: uploading
 * transcripts, 3 of 10 done`. Log lines go through `writeLine`, which takes the progress line
 * away first and puts it back after, so the two never mix on one line.
 */
export class ProgressLine {
  private shown: string | undefined;

  constructor(private readonly stream: ProgressStream) {}

  show(text: string): void {
    // A terminal that does not know its width says 0.
    const width = this.stream.columns || 80;
    this.shown = text.length < width ? text : `${text.slice(0, Math.max(0, width - 2))}…`;
    this.stream.write(`${ERASE_LINE}${this.shown}`);
  }

  /** A whole line of output (a log line, without its newline). */
  writeLine(line: string): void {
    const showing = this.shown;
    this.clear();
    this.stream.write(`${line}\n`);
    if (showing !== undefined) this.show(showing);
  }

  /** Takes the progress line away, leaving the cursor at the start of an empty line. */
  clear(): void {
    if (this.shown === undefined) return;
    this.shown = undefined;
    this.stream.write(ERASE_LINE);
  }
}

/** What a run of each job type counts, for the progress line. */
const WORK_OF_JOB_TYPE: Record<string, string> = {
  session_upload: 'uploading transcripts',
  webhook_pull: 'delivering webhook items',
};

/** The progress callback of a job's run: `inbox: delivering webhook items, 2 of 5 done`. */
export function jobProgress(
  line: ProgressLine,
  jobId: string,
  jobType: string,
): (done: number, total: number) => void {
  const work = WORK_OF_JOB_TYPE[jobType] ?? 'working';
  return (done, total) => line.show(`${jobId}: ${work}, ${done} of ${total} done`);
}

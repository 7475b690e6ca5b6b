/** One line the worker logged: `{timestamp} [{level}] [{context}] {message}`. */
export interface LogLine {
  level: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
  context: string;
  message: string;
}

const LINE = /^\S+ \[(DEBUG|INFO|WARNING|ERROR)\] \[([^\]]+)\] (.*)$/;

/** The worker's log lines in `stderr`; anything else there (a crash trace) is left out. */
export function parseLogLines(stderr: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const text of stderr.split('\n')) {
    const match = LINE.exec(text);
    if (!match) continue;
    const [, level, context, message] = match;
    lines.push({
      level: level as LogLine['level'],
      context: context ?? '',
      message: message ?? '',
    });
  }
  return lines;
}

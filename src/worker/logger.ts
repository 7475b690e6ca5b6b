/**
 * The one logger of the worker. Every line reads
 * `{timestamp} [{level}] [{context}] {message}`, where context is a job id or
 * `scheduler`. Lines go to stderr so that stdout stays free for results.
 */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger that writes under another context, sharing output and secrets. */
  child(context: string): Logger;
}

export interface LoggerOptions {
  verbose?: boolean;
  /** Where lines are written; stderr unless given (tests pass an array sink). */
  write?: (line: string) => void;
  /** Values that must never appear in a line; each is replaced by `***`. */
  secrets?: string[];
  /** Clock for timestamps; tests may fix it. */
  now?: () => Date;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Local time to the second, as in `2026-02-06T14:00:00`. */
export function formatTimestamp(date: Date): string {
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${day}T${time}`;
}

/**
 * Keeps one event on one line: file names and server answers are untrusted
 * and may hold newlines or terminal escapes.
 */
function sanitize(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/[\u0000-\u001f\u007f]/g, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length > 0) result = result.split(secret).join('***');
  }
  return result;
}

export function createLogger(options: LoggerOptions = {}, context = 'scheduler'): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());

  const emit = (level: LogLevel, message: string): void => {
    if (level === 'DEBUG' && !options.verbose) return;
    const text = redact(sanitize(message), options.secrets ?? []);
    write(`${formatTimestamp(now())} [${level}] [${context}] ${text}`);
  };

  return {
    debug: (message) => emit('DEBUG', message),
    info: (message) => emit('INFO', message),
    warn: (message) => emit('WARNING', message),
    error: (message) => emit('ERROR', message),
    child: (childContext) => createLogger(options, childContext),
  };
}

/** Adds a secret learnt after the logger was made (the key from the config). */
export function addSecret(options: LoggerOptions, secret: string): void {
  if (!secret) return;
  options.secrets = [...(options.secrets ?? []), secret];
}

import { spawn, type ChildProcess } from 'node:child_process';

import { errorCode, errorMessage } from '../worker/errors.js';
import type { Notification } from './notification.js';
import { NotifyError, type Notifier } from './notifier.js';

/** After SIGTERM, how long a notifier program gets before SIGKILL. */
const KILL_GRACE_MS = 3000;
/** How much of the program's stderr is kept for the log line. */
const STDERR_TAIL_CHARS = 400;

/**
 * The argv to run: `{agentId}` and `{message}` are replaced inside each element, in one pass so
 * a message that contains `{agentId}` stays as written. An element never splits in two, and
 * no shell sees the result, so quotes, `$(...)` and newlines in the message are plain text.
 */
export function buildArgv(template: readonly string[], notification: Notification): string[] {
  const values: Record<string, string> = {
    agentId: notification.agentId,
    message: notification.text,
  };
  return template.map((element) =>
    element.replace(/\{(agentId|message)\}/g, (_match, name: string) => values[name] ?? ''),
  );
}

/** Runs a program (by default `openclaw agent`) per notification, without a shell. */
export class CommandNotifier implements Notifier {
  readonly name: string;
  private readonly running = new Set<ChildProcess>();

  constructor(
    private readonly template: readonly string[],
    private readonly timeoutMs: number,
  ) {
    this.name = template.slice(0, 2).join(' ');
  }

  send(notification: Notification, signal: AbortSignal): Promise<void> {
    const [program = '', ...args] = buildArgv(this.template, notification);
    if (signal.aborted) return Promise.reject(new NotifyError('not started: shutting down'));

    return new Promise((resolve, reject) => {
      const child = spawn(program, args, {
        shell: false,
        stdio: ['ignore', 'ignore', 'pipe'],
        windowsHide: true,
      });
      this.running.add(child);

      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
      });

      let stopReason: string | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      const stop = (reason: string) => {
        if (stopReason !== undefined) return;
        stopReason = reason;
        child.kill('SIGTERM');
        killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      };
      const limit = `no answer within ${this.timeoutMs / 1000}s`;
      const timer = setTimeout(() => stop(limit), this.timeoutMs);
      const onAbort = () => stop('stopped: the worker is shutting down');
      signal.addEventListener('abort', onAbort, { once: true });

      let settled = false;
      const finish = (error?: NotifyError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(killTimer);
        signal.removeEventListener('abort', onAbort);
        this.running.delete(child);
        if (error) reject(error);
        else resolve();
      };

      child.on('error', (error) => finish(new NotifyError(startFailure(program, error))));
      child.on('close', (code, killedBy) => {
        if (stopReason !== undefined) return finish(new NotifyError(`${program} ${stopReason}`));
        if (code === 0) return finish();

        const how = code === null ? `was killed by ${killedBy}` : `exited with code ${code}`;
        const said = stderr.trim() ? `: ${stderr.trim()}` : '';
        finish(new NotifyError(`${program} ${how}${said}`));
      });
    });
  }

  stopNow(): void {
    for (const child of this.running) child.kill('SIGKILL');
  }
}

function startFailure(program: string, error: Error): string {
  if (errorCode(error) === 'ENOENT') {
    return `cannot run ${program}: not found on PATH (install OpenClaw, or set notify.command)`;
  }
  return `cannot run ${program}: ${errorMessage(error)}`;
}

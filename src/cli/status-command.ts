import { redact } from '../worker/logger.js';
import { minuteLengthMs } from '../worker/minute-length.js';
import { resolveStateDir } from '../worker/state-dir.js';
import type { CommandInput } from './command.js';
import { ExitCode } from './exit-codes.js';
import { readStatus } from './status/read-status.js';
import { statusDocument } from './status/status-json.js';
import { renderStatusTable } from './status/status-table.js';

/**
 * `nexus-worker status`: each job's last run and next run, and who runs now, from the state
 * folder alone; Nexus is not asked. Exits 1 when a job's last run failed or a job is overdue,
 * so a monitor can run it.
 */
export async function runStatusCommand(input: CommandInput): Promise<number> {
  const { cli, loaded, log } = input;
  const status = await readStatus({
    loaded,
    stateDir: resolveStateDir(loaded),
    log,
    now: new Date(),
    minuteMs: minuteLengthMs(),
  });

  // State files are masked when saved; this also covers a key that has changed since.
  const masked = (_key: string, value: unknown) =>
    typeof value === 'string' ? redact(value, input.secrets) : value;
  process.stdout.write(
    cli.json
      ? `${JSON.stringify(statusDocument(status), masked, 2)}\n`
      : redact(renderStatusTable(status), input.secrets),
  );

  const healthy = status.jobs.every((job) => job.problems.length === 0);
  return healthy ? ExitCode.ok : ExitCode.failed;
}

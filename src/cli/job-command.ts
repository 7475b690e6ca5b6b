import { UsageError } from '../worker/errors.js';
import { keepProcessAlive } from '../worker/keep-alive.js';
import { runLockedJob } from '../worker/run-locked-job.js';
import { describeHolder } from '../worker/run-lock.js';
import { handleShutdownSignals } from '../worker/shutdown.js';
import type { CommandInput } from './command.js';
import { ExitCode } from './exit-codes.js';
import { jobProgress } from './progress-line.js';
import { requireUsableStateFolder } from './state-folder.js';

/**
 * `--job ID`: runs that job now, prints its JobResult on stdout and answers the exit code.
 * No notification is sent: whoever ran the command has the result. While the daemon (or
 * another `--job`) is running the same job, nothing runs and the exit code is 3.
 */
export async function runJobCommand(input: CommandInput, jobId: string): Promise<number> {
  const { loaded, log } = input;
  const job = loaded.config.jobs.find((candidate) => candidate.id === jobId);
  if (!job) {
    const known = loaded.config.jobs.map((candidate) => candidate.id).join(', ');
    throw new UsageError(`Unknown job "${jobId}". Jobs in ${loaded.path}: ${known}`);
  }

  const stateDir = await requireUsableStateFolder(loaded);
  const shutdown = handleShutdownSignals(log);
  const letExit = keepProcessAlive();
  try {
    const outcome = await runLockedJob(job, {
      loaded,
      stateDir,
      log,
      shutdown,
      dryRun: input.cli.dryRun,
      secrets: input.secrets,
      role: 'job',
      progress: input.progress && jobProgress(input.progress, job.id, job.type),
    });
    // The JobResult goes to stdout, which is the same terminal: the line must be gone first.
    input.progress?.clear();

    if (outcome.kind === 'busy') {
      throw new UsageError(
        `Job "${job.id}" is already running in ${describeHolder(outcome.holder)}; ` +
          'nothing was run. Try again when that run has finished.',
        ExitCode.busy,
      );
    }

    process.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
    return outcome.result.success ? ExitCode.ok : ExitCode.failed;
  } finally {
    input.progress?.clear();
    letExit();
    shutdown.dispose();
  }
}

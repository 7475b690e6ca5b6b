import { UsageError } from '../worker/errors.js';
import { loadConfig, type LoadedConfig } from '../worker/load-config.js';
import { resolveStateDir } from '../worker/state-dir.js';
import type { CliOptions } from './args.js';
import { checkJobFolders, checkStateFolder } from './check/check-folders.js';
import { KEY_SUBJECT, NEXUS_SUBJECT, checkNexus } from './check/check-nexus.js';
import { NOTIFIER_SUBJECT, checkNotifier } from './check/check-notifier.js';
import { Checklist } from './check/checklist.js';
import { prepareCommand } from './command.js';
import { ExitCode } from './exit-codes.js';

const CONFIG_SUBJECT = 'config';
const STATE_SUBJECT = 'state';

/**
 * `nexus-worker check`: everything a run needs, checked without running a job or changing
 * anything: the config, Nexus and the key, each job's folders, the state folder, and the
 * notifier. Prints one `ok`, `warn` or `FAIL` line per check; exits 1 when any failed.
 */
export async function runCheckCommand(cli: CliOptions): Promise<number> {
  const write = (text: string) => process.stdout.write(text);
  let loaded: LoadedConfig;
  try {
    loaded = await loadConfig(cli.config);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    new Checklist(write, [CONFIG_SUBJECT], []).fail(CONFIG_SUBJECT, error.message);
    write('\nNothing else was checked: fix the config first.\n');
    return ExitCode.usage;
  }

  const { config } = loaded;
  const { log, secrets } = prepareCommand(cli, loaded);
  const jobIds = config.jobs.map((job) => job.id);
  const subjects = [CONFIG_SUBJECT, NEXUS_SUBJECT, KEY_SUBJECT, STATE_SUBJECT, ...jobIds];
  const list = new Checklist(write, [...subjects, NOTIFIER_SUBJECT], secrets);

  const jobs = `${jobIds.length} ${jobIds.length === 1 ? 'job' : 'jobs'}`;
  list.ok(CONFIG_SUBJECT, `${loaded.path} is valid (${jobs})`);
  for (const warning of loaded.warnings) list.warn(CONFIG_SUBJECT, warning);

  await checkNexus(config, log, list);
  await checkStateFolder(resolveStateDir(loaded), jobIds, list);
  for (const job of config.jobs) await checkJobFolders(job, loaded.dir, list);
  await checkNotifier(config, list);

  write(`\n${list.summary()}\n`);
  return list.failed > 0 ? ExitCode.failed : ExitCode.ok;
}

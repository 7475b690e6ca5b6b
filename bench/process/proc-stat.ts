/**
 * What Linux's /proc says about another process: CPU time so far and resident memory. Used for
 * the local Nexus, which runs beside the measured process, and for the idle daemon.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of the utime and stime fields; 100 on nearly every Linux. */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User plus system CPU seconds the process has used; undefined once it is gone. */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  const times = await cpuTimes(pid);
  return times && times.user + times.system;
}

export async function cpuTimes(
  pid: number,
): Promise<{ user: number; system: number } | undefined> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }

  // The command name in parentheses may hold spaces; the fields after it do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = clockTicks();
  return { user: Number(fields[11]) / ticks, system: Number(fields[12]) / ticks };
}

/** Resident memory now and at its peak, in KiB; undefined once the process is gone. */
export async function memoryKib(
  pid: number,
): Promise<{ rssKib: number; peakKib: number } | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }

  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm')
    .exec(status)?.[1] ?? Number.NaN);
  const rssKib = field('VmRSS');
  if (Number.isNaN(rssKib)) return undefined;
  return { rssKib, peakKib: field('VmHWM') };
}

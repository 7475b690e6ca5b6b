/**
 * Remembers what was worked out from a file's content, for as long as this process runs, and
 * gives it back only while the file is provably unchanged: the daemon reads the same large
 * `sessions.json` every interval, and parsing 100 MB of it costs seconds of CPU.
 *
 * Unchanged means the same device, inode, size, modification time and change time, to the
 * nanosecond. The change time moves with every write, rename, chmod or utimes and no call sets it
 * back, so even a rewrite in place that restores the size and the modification time shows.
 * File systems stamp times in steps, though (milliseconds on ext4, 2 s on FAT), and a file
 * changed twice within one step keeps its stamps: a file changed shortly before it was read is
 * not remembered, and is read again the next time.
 */
import type { BigIntStats } from 'node:fs';

/** The coarsest timestamp step of a file system (FAT's); a file is trusted only once older. */
const RECENT_NS = 2_000_000_000n;

interface FileVersion {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

/** One read of a file: its stats when the read began and when it ended. */
export interface FileRead {
  /** Epoch milliseconds, taken before `before`. */
  startedMs: number;
  before: BigIntStats;
  after: BigIntStats;
}

export class UnchangedFileCache<T> {
  private readonly remembered = new Map<string, { version: FileVersion; value: T }>();

  /** What was remembered for the file, if `stats` (of the open file) show it unchanged since. */
  recall(filePath: string, stats: BigIntStats): T | undefined {
    const entry = this.remembered.get(filePath);
    if (!entry) return undefined;
    if (sameVersion(entry.version, versionOf(stats))) return entry.value;

    this.remembered.delete(filePath);
    return undefined;
  }

  /** Remembers `value`, unless the file changed during the read or too recently to be sure. */
  remember(filePath: string, read: FileRead, value: T): void {
    const version = versionOf(read.before);
    if (sameVersion(version, versionOf(read.after)) && isSettled(version, read.startedMs)) {
      this.remembered.set(filePath, { version, value });
    } else {
      this.remembered.delete(filePath);
    }
  }
}

function versionOf(stats: BigIntStats): FileVersion {
  const { dev, ino, size, mtimeNs, ctimeNs } = stats;
  return { dev, ino, size, mtimeNs, ctimeNs };
}

function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size &&
    a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * Whether any later change must get other time stamps. A file system that reports no times or
 * no inode numbers (0) cannot show a change at all, so its files are never remembered.
 */
function isSettled(version: FileVersion, startedMs: number): boolean {
  if (version.ino === 0n || version.mtimeNs === 0n || version.ctimeNs === 0n) return false;

  const latestNs = version.mtimeNs > version.ctimeNs ? version.mtimeNs : version.ctimeNs;
  return BigInt(startedMs) * 1_000_000n - latestNs > RECENT_NS;
}

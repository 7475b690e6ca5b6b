/** Every exit status of nexus-worker, in one place. */
export const ExitCode = {
  /** The job (or every job, with --once) succeeded; or the daemon stopped cleanly. */
  ok: 0,
  /** A job reported a failure, or the daemon had to leave a run unfinished when it stopped. */
  failed: 1,
  /**
   * Nothing ran: bad flags, a missing or invalid config, an unknown job id, a state folder this
   * user cannot write. Restarting cannot fix these: the user must.
   */
  usage: 2,
  /** Nothing ran: another nexus-worker process holds the lock (the daemon, or the same job). */
  busy: 3,
} as const;

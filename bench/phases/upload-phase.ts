/** What one upload run cost, whoever made it: the worker or the baseline. */
export interface UploadPhase {
  wallSeconds: number;
  /** CPU of the uploading process, user plus system. */
  cpuSeconds: number;
  peakRssMib: number;
  /** CPU the local Nexus used meanwhile, in its own process. */
  nexusCpuSeconds: number;
}

/** The run of each kind that took least wall time: the one least disturbed by the machine. */
export function fastest(phases: readonly UploadPhase[]): UploadPhase {
  const [first, ...rest] = phases;
  if (!first) throw new Error('no upload runs to compare');
  return rest.reduce((best, phase) => (phase.wallSeconds < best.wallSeconds ? phase : best), first);
}

export function roundTo(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

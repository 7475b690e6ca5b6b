/**
 * Keeps the process running until the returned function is called. Node exits as soon as only
 * unref'd timers are left, and the timeout that fetch's AbortSignal.timeout sets is unref'd:
 * a request stuck on a connection that went quiet would otherwise end the worker silently,
 * with exit code 0 and no JobResult, instead of timing out.
 */
export function keepProcessAlive(): () => void {
  const timer = setInterval(() => undefined, 2 ** 30);
  return () => clearInterval(timer);
}

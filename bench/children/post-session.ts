/**
 * The least a client must do to upload a transcript: one POST of the JSON body, then read the
 * answer. No retries, timeouts, hashing or file checks; the baseline the worker is held to.
 */
export interface PostTarget {
  url: string;
  apiKey: string;
}

export interface SessionBody {
  agentId: string;
  sessionId: string;
  transcript: string;
  fileName: string;
  sha256?: string;
}

export async function postSession(target: PostTarget, body: SessionBody): Promise<number> {
  const response = await fetch(`${target.url}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-functions-key': target.apiKey },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

/** Runs `work(0..count-1)` with at most `limit` in flight, as the worker's pool does. */
export async function inLanes(
  count: number,
  limit: number,
  work: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}

/** What a load helper prints on stdout for the bench to read. */
export interface LoadReport {
  elapsedSeconds: number;
  requests: number;
  bodyBytes: number;
  statuses: Record<string, number>;
}

export function countStatus(statuses: Record<string, number>, status: number): void {
  statuses[status] = (statuses[status] ?? 0) + 1;
}

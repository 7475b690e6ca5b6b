/** What every job run returns, serialized exactly like this in logs and notifications. */
export interface JobResult {
  jobId: string;
  success: boolean;
  message: string;
  itemsProcessed: number;
  errors: string[];
}

export function failedResult(jobId: string, message: string, errors: string[] = []): JobResult {
  return { jobId, success: false, message, itemsProcessed: 0, errors };
}

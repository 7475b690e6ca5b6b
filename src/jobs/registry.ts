import type { JobType } from './job-type.js';
import { sessionUpload } from './session-upload/job.js';
import { webhookPull } from './webhook-pull/job.js';

/** Every job type a config may name. */
export const jobTypes: JobType[] = [sessionUpload as JobType, webhookPull as JobType];

export function findJobType(type: string): JobType | undefined {
  return jobTypes.find((jobType) => jobType.type === type);
}

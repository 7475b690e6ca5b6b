import type { JobType } from './job-type.js';
import { sessionUpload } from './session-upload/job.js';

/** Every job type a config may name. */
export const jobTypes: JobType[] = [sessionUpload as JobType];

export function findJobType(type: string): JobType | undefined {
  return jobTypes.find((jobType) => jobType.type === type);
}

import path from 'node:path';

import { moveIntoFolder } from '../../fs/move-into-folder.js';
import type { TranscriptCandidate } from '../../openclaw/find-transcripts.js';
import { errorMessage } from '../../worker/errors.js';
import type { JobContext } from '../job-type.js';
import type { Tally } from './upload-tally.js';

/** Moves a transcript that Nexus holds (or an empty one) into the archive folder. */
export async function archiveTranscript(
  candidate: TranscriptCandidate,
  archiveDir: string,
  run: { context: JobContext; tally: Tally },
  why: 'uploaded' | 'empty',
): Promise<void> {
  const { context, tally } = run;
  try {
    const moved = await moveIntoFolder(candidate.path, archiveDir);
    tally.archived += 1;
    if (why === 'empty') {
      tally.empty += 1;
      context.log.info(`Archived empty file without upload: ${candidate.name}`);
    }

    const where = path.basename(moved.target);
    const how = moved.kind === 'moved' ? 'archived as' : 'already archived as';
    context.log.debug(`${candidate.name} ${how} ${where}`);
  } catch (error) {
    // Nexus has it, so nothing is lost: left in place, the next run gets a 409 and moves it then.
    const state = why === 'empty' ? 'empty, not archived' : 'uploaded but not archived';
    const reason = `${state}: ${errorMessage(error)}`;
    tally.failed += 1;
    tally.errors.push(`${candidate.name}: ${reason}`);
    context.log.error(`Archive failed: ${candidate.name}: ${reason}`);
  }
}

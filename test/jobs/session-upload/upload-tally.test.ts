import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  describeWaiting,
  emptyTally,
  tallyResult,
} from '../../../src/jobs/session-upload/upload-tally.js';

const run = { jobId: 'main-sessions', agentId: 'main', found: 0, settleMinutes: 10 };

test('transcripts still waiting are counted in the message, and only when there are some', () => {
  const none = tallyResult(emptyTally(), run);
  const seven = tallyResult({ ...emptyTally(), waiting: 7 }, run);

  assert.equal(none.message, 'Uploaded 0 sessions for main');
  assert.equal(
    seven.message,
    'Uploaded 0 sessions for main; 7 waiting (locked or changed in the last 10 min)',
  );
  assert.equal(seven.success, true, 'a transcript that waits is no failure');
});

test('without a settle time, only a lock or a future time makes a transcript wait', () => {
  assert.equal(describeWaiting(1, 0), '1 waiting (locked, or modified in the future)');
  assert.equal(describeWaiting(2, 0.5), '2 waiting (locked or changed in the last 0.5 min)');
});

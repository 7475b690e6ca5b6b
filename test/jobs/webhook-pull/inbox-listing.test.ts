import assert from 'node:assert/strict';
import { lstat, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';

import { findSlot, itemFileText } from '../../../src/jobs/webhook-pull/inbox-file.js';
import { InboxListing } from '../../../src/jobs/webhook-pull/inbox-listing.js';
import type { WebhookItem } from '../../../src/jobs/webhook-pull/pending-items.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const item = (id: string): WebhookItem => ({ id, source: 'putio', receivedAt: 'now', payload: {} });

test('names a folding file system could confuse count as possibly present', async (t) => {
  const inbox = await makeTempDir(t, 'inbox-listing-');
  await writeFile(path.join(inbox, 'putio_abc.json'), '{}');
  await writeFile(path.join(inbox, 'gr\u0075\u0308ße.json'), '{}');

  const listing = await InboxListing.read(inbox);

  assert.equal(listing.mayHold('putio_abc.json'), true);
  assert.equal(listing.mayHold('PUTIO_ABC.json'), true);
  assert.equal(listing.mayHold('GR\u00dcSSE.json'), true, 'composed and upper case');
  assert.equal(listing.mayHold('putio_abd.json'), false);
  listing.add('putio_new.json');
  assert.equal(listing.mayHold('Putio_New.json'), true);
});

test('findSlot looks on disk at a lookalike name rather than trusting the listing', async (t) => {
  const inbox = await makeTempDir(t, 'inbox-listing-');
  const other = item('abc');
  await writeFile(path.join(inbox, 'putio_abc.json'), itemFileText(other));
  await mkdir(path.join(inbox, 'putio_taken.json'));
  const listing = await InboxListing.read(inbox);

  // The real folder decides: a case-sensitive one has room for both, a folding one does not.
  const slot = await findSlot(inbox, item('ABC'), listing);
  const plain = path.join(inbox, 'putio_ABC.json');
  assert.ok(slot.kind === 'free', JSON.stringify(slot));
  assert.equal(slot.file === plain, !(await holdsFile(plain)), 'free means nothing is there');

  assert.deepEqual(await findSlot(inbox, other, listing), {
    kind: 'delivered',
    file: path.join(inbox, 'putio_abc.json'),
  });
  const detour = await findSlot(inbox, item('taken'), listing);
  assert.equal(detour.kind, 'free');
  assert.match(detour.kind === 'free' ? path.basename(detour.file) : '', /^putio_taken~/);
});

async function holdsFile(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

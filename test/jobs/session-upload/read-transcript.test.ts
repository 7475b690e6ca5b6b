/**
 * readTranscript on `.zst` archives: frame by frame, each frame's content checked against the
 * size and checksum in its header, so a damaged archive is refused rather than read as other text.
 * Plain files: see read-plain-transcript.test.ts.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

import { decompress } from 'fzstd';

import { splitZstdFrames } from '../../../src/fs/zstd-frames.js';
import {
  UnreadableTranscriptError,
  readTranscript,
  type TranscriptBody,
} from '../../../src/jobs/session-upload/read-transcript.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const ZSTD_FIXTURES = fileURLToPath(new URL('../../../fixtures/zstd/', import.meta.url));
const NO_LIMIT = 1024 * 1024;

function fixture(name: string): Promise<Buffer> {
  return readFile(path.join(ZSTD_FIXTURES, name));
}

/** Writes `bytes` as an archive in a fresh temp folder and reads it back as a transcript. */
async function readArchive(t: TestContext, bytes: Uint8Array, maxBytes = NO_LIMIT) {
  const dir = await makeTempDir(t);
  const file = path.join(dir, 'archive.jsonl.zst');
  await writeFile(file, bytes);
  return readTranscript(file, { compressed: true, maxBytes });
}

/** The refusal message, or undefined when the archive was read. */
async function refusal(t: TestContext, bytes: Uint8Array, maxBytes = NO_LIMIT) {
  try {
    await readArchive(t, bytes, maxBytes);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof UnreadableTranscriptError, String(error));
    return error.message;
  }
}

async function textOf(body: TranscriptBody): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body.chunks()) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function flipBit(bytes: Uint8Array, bit: number): Buffer {
  const altered = Buffer.from(bytes);
  altered[bit >> 3] = (altered[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return altered;
}

test('multi-frame archives, with or without checksums, read as the whole text', async (t) => {
  const text = (await fixture('transcript.jsonl')).toString('utf8');

  for (const name of [
    'transcript.jsonl.zst',
    'two-frames.jsonl.zst',
    'two-frames-no-check.jsonl.zst',
    'skippable-frame.jsonl.zst',
  ]) {
    const body = await readArchive(t, await fixture(name));
    assert.equal(await textOf(body), text, name);
    assert.equal(body.bytes, Buffer.byteLength(text), name);
  }
});

test('an altered second frame is refused and named as frame 2', async (t) => {
  const compressed = await fixture('two-frames.jsonl.zst');
  const [first, second] = splitZstdFrames(compressed);
  assert.ok(first && second);
  const original = Buffer.from(decompress(second.bytes));
  // The first bit of frame 2's compressed block whose flip still decodes, to other text.
  // Frame 2's header: magic (4), descriptor (1), a two-byte content size, then a block header (3).
  assert.equal(second.bytes[4], 0x64);
  const blockStart = first.bytes.byteLength + 4 + 1 + 2 + 3;
  let altered: Buffer | undefined;
  for (let bit = blockStart * 8; !altered && bit < (compressed.length - 4) * 8; bit += 1) {
    const candidate = flipBit(compressed, bit);
    try {
      const decoded = decompress(candidate.subarray(first.bytes.byteLength));
      if (!Buffer.from(decoded).equals(original)) altered = candidate;
    } catch {
      // This flip breaks the block outright; the next one may not.
    }
  }
  assert.ok(altered, 'some flip in frame 2 should decode to other text');

  const message = await refusal(t, altered);

  assert.equal(message, 'checksum mismatch in frame 2: the archive is damaged');
});

test('a frame whose header declares more than the limit is refused', async (t) => {
  const compressed = await fixture('two-frames.jsonl.zst');

  // 294 bytes fit; the second frame's declared 390 would pass 500.
  const message = await refusal(t, compressed, 500);

  assert.equal(message, 'decompressed size is over the limit of 500 bytes');
  assert.equal((await readArchive(t, compressed, 684)).bytes, 684);
});

test('frames without a declared size are refused once they inflate past the limit', async (t) => {
  const compressed = await fixture('two-frames-no-check.jsonl.zst');

  // 683 stops the second frame one byte short; 200 stops the first.
  for (const limit of [683, 200]) {
    const message = await refusal(t, compressed, limit);
    assert.equal(message, `decompressed size is over the limit of ${limit} bytes`);
  }
  assert.equal((await readArchive(t, compressed, 684)).bytes, 684);
});

test('a header that promises a different size is refused', async (t) => {
  const compressed = Buffer.from(await fixture('tiny.jsonl.zst'));
  // tiny.jsonl.zst is a single-segment frame: byte 5 is its one-byte content size, 91.
  assert.equal(compressed[5], 91);
  compressed[5] = 92;

  const message = await refusal(t, compressed);

  assert.equal(
    message,
    'size mismatch in frame 1: 91 bytes decompressed, the header says 92: the archive is damaged',
  );
});

test('no single bit flip reads silently as other text', async (t) => {
  const text = (await fixture('tiny.jsonl')).toString('utf8');
  const compressed = await fixture('tiny.jsonl.zst');
  const dir = await makeTempDir(t);
  const file = path.join(dir, 'flipped.jsonl.zst');
  const refusals = new Map<string, number>();
  let otherTextCaught = 0;

  for (let bit = 0; bit < compressed.length * 8; bit += 1) {
    const altered = flipBit(compressed, bit);
    // Synchronous: an awaited write per flip costs more than the read being tested.
    writeFileSync(file, altered);
    let reason: string;
    try {
      const body = await readTranscript(file, { compressed: true, maxBytes: 4096 });
      assert.equal(await textOf(body), text, `bit ${bit} was read as other text`);
      continue;
    } catch (error) {
      assert.ok(error instanceof UnreadableTranscriptError, `bit ${bit}: ${String(error)}`);
      reason = error.message;
    }

    const kind = reason.replace(/\d+/g, 'N');
    refusals.set(kind, (refusals.get(kind) ?? 0) + 1);
    // fzstd finished these, so running it alone is safe: did the checksum catch other text?
    if (reason.startsWith('checksum mismatch')) {
      const decoded = Buffer.from(decompress(altered)).toString('utf8');
      if (decoded !== text) otherTextCaught += 1;
    }
  }

  const refused = [...refusals.values()].reduce((sum, count) => sum + count, 0);
  const summary = JSON.stringify([...refusals]);
  assert.ok(otherTextCaught > 0, summary);
  assert.ok(refused > compressed.length * 8 * 0.9, summary);
  // One flip in the Huffman weight table makes fzstd 0.1 loop forever; the deadline ends it.
  assert.equal(
    refusals.get('not a valid zstd file (frame N did not finish decoding in N.N s)'),
    1,
    summary,
  );
});

/**
 * readTranscript on plain files: checked in one pass, streamed in a second, and the second pass
 * must find the same bytes or the upload is abandoned before its body is complete.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

import {
  TranscriptChangedError,
  UnreadableTranscriptError,
  readTranscript,
  type TranscriptBody,
} from '../../../src/jobs/session-upload/read-transcript.js';
import { jsonEscapedLength } from '../../../src/nexus/json-string-bytes.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const LIMIT = 64 * 1024 * 1024;
/** The reader's chunk size: characters placed across it test the carry between chunks. */
const CHUNK = 128 * 1024;

async function transcriptFile(t: TestContext, bytes: Uint8Array): Promise<string> {
  const file = path.join(await makeTempDir(t), 'a.jsonl');
  await writeFile(file, bytes);
  return file;
}

/** Every chunk the body yields, until it ends or throws. */
async function drain(body: TranscriptBody): Promise<{ bytes: Buffer; error?: unknown }> {
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of body.chunks()) chunks.push(chunk);
    return { bytes: Buffer.concat(chunks) };
  } catch (error) {
    return { bytes: Buffer.concat(chunks), error };
  }
}

/** A JSONL text of about `size` bytes with a four-byte character across each chunk boundary. */
function straddlingText(size: number): Buffer {
  const parts: Buffer[] = [Buffer.from('\ufeff')];
  let length = 3;
  while (length < size) {
    const room = CHUNK - (length % CHUNK) - 2;
    const filler = Buffer.from(`{"line":"${'x'.repeat(Math.max(0, room - 13))}"}\n`);
    const piece = Buffer.concat([filler.subarray(0, Math.max(0, room)), Buffer.from('🙂')]);
    parts.push(piece);
    length += piece.length;
  }
  return Buffer.concat(parts);
}

test('characters cut by chunk boundaries: accepted, streamed back byte for byte', async (t) => {
  const bytes = straddlingText(3 * CHUNK);
  for (const boundary of [CHUNK, 2 * CHUNK]) {
    assert.equal((bytes[boundary] ?? 0) & 0xc0, 0x80, `no character is cut at ${boundary}`);
  }
  const file = await transcriptFile(t, bytes);

  const body = await readTranscript(file, { compressed: false, maxBytes: LIMIT });
  const streamed = await drain(body);

  assert.equal(streamed.error, undefined);
  assert.deepEqual(streamed.bytes, bytes);
  assert.equal(body.bytes, bytes.length);
  assert.equal(body.sha256, createHash('sha256').update(bytes).digest('hex'));
  assert.equal(body.escapedBytes, jsonEscapedLength(bytes));
  assert.equal(streamed.bytes.subarray(0, 3).toString('hex'), 'efbbbf', 'the BOM is kept');
});

test('an invalid byte anywhere, even in the last chunk, refuses the file', async (t) => {
  for (const at of [0, CHUNK - 1, CHUNK, 2 * CHUNK + 17]) {
    const bytes = Buffer.from('a'.repeat(2 * CHUNK + 100));
    bytes[at] = 0xff;
    const file = await transcriptFile(t, bytes);

    await assert.rejects(
      readTranscript(file, { compressed: false, maxBytes: LIMIT }),
      (error: unknown) => error instanceof UnreadableTranscriptError && /UTF-8/.test(error.message),
      `invalid byte at ${at}`,
    );
  }
});

test('a file cut off inside its last character is refused', async (t) => {
  const bytes = Buffer.concat([Buffer.from('{"a":"'), Buffer.from('🙂').subarray(0, 3)]);
  const file = await transcriptFile(t, bytes);

  await assert.rejects(
    readTranscript(file, { compressed: false, maxBytes: LIMIT }),
    UnreadableTranscriptError,
  );
});

test('changed between check and upload, same size: the stream fails before its end', async (t) => {
  const bytes = Buffer.from('a'.repeat(3 * CHUNK));
  const file = await transcriptFile(t, bytes);
  const body = await readTranscript(file, { compressed: false, maxBytes: LIMIT });

  bytes[CHUNK + 5] = 0x62;
  await writeFile(file, bytes);
  const streamed = await drain(body);

  assert.ok(streamed.error instanceof TranscriptChangedError, String(streamed.error));
  assert.ok(streamed.bytes.length < bytes.length, 'the last chunk must be held back');
});

test('grown or shrunk between check and upload: the stream fails', async (t) => {
  const bytes = Buffer.from('b'.repeat(CHUNK + 10));
  const file = await transcriptFile(t, bytes);
  const body = await readTranscript(file, { compressed: false, maxBytes: LIMIT });

  for (const changed of [Buffer.concat([bytes, Buffer.from('\n')]), bytes.subarray(1)]) {
    await writeFile(file, changed);
    const streamed = await drain(body);
    assert.ok(streamed.error instanceof TranscriptChangedError, String(streamed.error));
    assert.ok(streamed.bytes.length < bytes.length);
  }
});

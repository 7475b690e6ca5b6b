import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { decompress } from 'fzstd';

import {
  ZstdFormatError,
  frameChecksum,
  frameContentMismatch,
  splitZstdFrames,
} from '../../src/fs/zstd-frames.js';

const ZSTD_FIXTURES = fileURLToPath(new URL('../../fixtures/zstd/', import.meta.url));

function fixture(name: string): Promise<Buffer> {
  return readFile(`${ZSTD_FIXTURES}${name}`);
}

function concat(parts: Uint8Array[]): Buffer {
  return Buffer.concat(parts);
}

test('a one-frame archive is one frame with its size and checksum', async () => {
  const compressed = await fixture('transcript.jsonl.zst');

  const frames = splitZstdFrames(compressed);

  assert.equal(frames.length, 1);
  const [frame] = frames;
  assert.equal(frame?.number, 1);
  assert.deepEqual(Buffer.from(frame?.bytes ?? []), compressed);
  assert.equal(frame?.contentSize, 684);
  // `zstd -lv` lists the fixture's check as XXH64 de487e2c.
  assert.equal(frame?.checksum, 0xde487e2c);
});

test('two appended frames are split where the second one starts', async () => {
  const text = await fixture('transcript.jsonl');
  const compressed = await fixture('two-frames.jsonl.zst');

  const frames = splitZstdFrames(compressed);

  assert.deepEqual(frames.map((frame) => frame.number), [1, 2]);
  assert.deepEqual(frames.map((frame) => frame.contentSize), [294, 390]);
  assert.deepEqual(concat(frames.map((frame) => frame.bytes)), compressed);
  const contents = frames.map((frame) => decompress(frame.bytes));
  assert.deepEqual(concat(contents), text);
  assert.deepEqual(
    frames.map((frame) => frame.checksum),
    contents.map((content) => frameChecksum(content)),
  );
});

test('frames written with --no-check from standard input carry no size or checksum', async () => {
  const text = await fixture('transcript.jsonl');
  const compressed = await fixture('two-frames-no-check.jsonl.zst');

  const frames = splitZstdFrames(compressed);

  assert.equal(frames.length, 2);
  for (const frame of frames) {
    assert.equal(frame.contentSize, undefined);
    assert.equal(frame.checksum, undefined);
  }
  assert.deepEqual(concat(frames.map((frame) => decompress(frame.bytes))), text);
});

test('skippable frames are left out and not counted', async () => {
  const withSkippable = splitZstdFrames(await fixture('skippable-frame.jsonl.zst'));
  const plain = splitZstdFrames(await fixture('two-frames.jsonl.zst'));

  assert.deepEqual(withSkippable.map((frame) => frame.number), [1, 2]);
  assert.deepEqual(
    withSkippable.map((frame) => Buffer.from(frame.bytes)),
    plain.map((frame) => Buffer.from(frame.bytes)),
  );
});

test('an RLE block counts one stored byte, not the size it expands to', async () => {
  const compressed = await fixture('spaces.txt.zst');

  const frames = splitZstdFrames(compressed);

  assert.equal(frames.length, 1);
  assert.equal(frames[0]?.bytes.byteLength, compressed.length);
  assert.equal(frames[0]?.contentSize, 200_000);
  const content = decompress(compressed);
  assert.deepEqual(Buffer.from(content), Buffer.alloc(200_000, ' '));
  assert.equal(frameContentMismatch(frames[0]!, content), undefined);
});

test('an archive that stops early or holds something else is a format error', async () => {
  const compressed = await fixture('transcript.jsonl.zst');
  const refusal = (bytes: Uint8Array) => {
    try {
      splitZstdFrames(bytes);
    } catch (error) {
      assert.ok(error instanceof ZstdFormatError, String(error));
      return error.message;
    }
    return 'accepted';
  };
  const withDescriptor = (descriptor: number) => {
    const bytes = Buffer.from(compressed);
    bytes[4] = descriptor;
    return bytes;
  };

  assert.equal(refusal(Buffer.from('plain text, renamed\n')), 'no zstd frame starts at byte 0');
  assert.equal(
    refusal(Buffer.concat([compressed, Buffer.from('tail')])),
    `no zstd frame starts at byte ${compressed.length}`,
  );
  assert.equal(
    refusal(compressed.subarray(0, compressed.length - 2)),
    'the file ends inside the checksum of frame 1',
  );
  assert.equal(refusal(compressed.subarray(0, 40)), 'the file ends inside block 1 of frame 1');
  assert.equal(refusal(compressed.subarray(0, 5)), 'the file ends inside the header of frame 1');
  assert.equal(
    refusal(compressed.subarray(0, 2)),
    'the file ends inside a frame magic number at byte 0',
  );
  assert.equal(refusal(withDescriptor(0x6c)), 'frame 1 sets a reserved header bit');
  // 0x65 adds a one-byte dictionary id, which the fixture's next byte (0xac) then supplies.
  assert.equal(refusal(withDescriptor(0x65)), 'frame 1 needs zstd dictionary 172');
  assert.equal(refusal(new Uint8Array(0)), 'accepted');
});

test('a reserved block type is refused', async () => {
  const compressed = Buffer.from(await fixture('tiny.jsonl.zst'));
  // tiny.jsonl.zst: magic, descriptor 0x24 and a one-byte size, then its only block header.
  assert.equal(compressed[4], 0x24);
  compressed[6] = (compressed[6] ?? 0) | 0x06;

  assert.throws(
    () => splitZstdFrames(compressed),
    new ZstdFormatError('block 1 of frame 1 has the reserved block type'),
  );
});

test('content is checked against the size and checksum its frame declares', async () => {
  const text = await fixture('transcript.jsonl');
  const [frame] = splitZstdFrames(await fixture('transcript.jsonl.zst'));
  assert.ok(frame);
  const oneLetterChanged = Buffer.from(text);
  oneLetterChanged[100] = (oneLetterChanged[100] ?? 0) ^ 0x20;

  assert.equal(frameContentMismatch(frame, text), undefined);
  assert.equal(frameContentMismatch(frame, oneLetterChanged), 'checksum mismatch in frame 1');
  assert.equal(
    frameContentMismatch(frame, text.subarray(1)),
    'size mismatch in frame 1: 683 bytes decompressed, the header says 684',
  );
  const [unchecked] = splitZstdFrames(await fixture('two-frames-no-check.jsonl.zst'));
  assert.equal(frameContentMismatch(unchecked!, oneLetterChanged), undefined);
});

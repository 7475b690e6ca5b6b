import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

import { decodeZstdFrame } from '../../fs/decode-zstd-frame.js';
import { hashBytes } from '../../fs/file-hash.js';
import { Utf8Validator } from '../../fs/utf8-validator.js';
import {
  type ZstdFrame,
  ZstdFormatError,
  frameContentMismatch,
  splitZstdFrames,
} from '../../fs/zstd-frames.js';
import { jsonEscapedLength } from '../../nexus/json-string-bytes.js';
import type { StreamedText } from '../../nexus/streamed-text.js';

/**
 * A transcript checked and ready to be streamed into an upload, without ever being held in memory
 * as a string. `chunks()` yields its UTF-8 bytes exactly as written (a byte-order mark is kept).
 */
export interface TranscriptBody extends StreamedText {
  /** SHA-256 of the bytes (the decompressed bytes for `.zst`). */
  sha256: string;
  /** Size of those bytes. */
  bytes: number;
}

/** A file that can never be uploaded as it is; the job reports it and leaves it in place. */
export class UnreadableTranscriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnreadableTranscriptError';
  }
}

/** The file is not what it was when it was checked: nothing may be sent for it in this run. */
export class TranscriptChangedError extends Error {
  constructor() {
    super('the file changed while it was being uploaded');
    this.name = 'TranscriptChangedError';
  }
}

const READ_CHUNK_BYTES = 128 * 1024;
/** Slices of a decompressed archive handed to the request one at a time. */
const MEMORY_CHUNK_BYTES = 1024 * 1024;
const NOT_UTF8 = 'not valid UTF-8; fix or remove the file by hand';

/**
 * Checks a transcript for upload: decompresses `.zst` archives (in memory, up to `maxBytes`),
 * refuses bytes that are not strict UTF-8 rather than uploading replacement characters, and
 * measures what the upload needs to know up front. A plain file is read twice, once here and
 * once while it is sent, and the second read must hash the same or the upload is abandoned.
 */
export async function readTranscript(
  file: string,
  options: { compressed: boolean; maxBytes: number },
): Promise<TranscriptBody> {
  if (options.compressed) return inMemoryBody(await decompressFile(file, options.maxBytes));

  const utf8 = new Utf8Validator();
  const hash = createHash('sha256');
  let bytes = 0;
  let escapedBytes = 0;
  for await (const chunk of readIntoOneBuffer(file)) {
    if (!utf8.push(chunk)) throw new UnreadableTranscriptError(NOT_UTF8);
    hash.update(chunk);
    bytes += chunk.length;
    escapedBytes += jsonEscapedLength(chunk);
  }
  if (!utf8.end()) throw new UnreadableTranscriptError(NOT_UTF8);

  const sha256 = hash.digest('hex');
  return { sha256, bytes, escapedBytes, chunks: () => rereadChunks(file, sha256, bytes) };
}

function inMemoryBody(content: Buffer): TranscriptBody {
  const utf8 = new Utf8Validator();
  if (!utf8.push(content) || !utf8.end()) throw new UnreadableTranscriptError(NOT_UTF8);

  return {
    sha256: hashBytes(content),
    bytes: content.length,
    escapedBytes: jsonEscapedLength(content),
    chunks: async function* () {
      for (let start = 0; start < content.length; start += MEMORY_CHUNK_BYTES) {
        yield content.subarray(start, start + MEMORY_CHUNK_BYTES);
      }
    },
  };
}

/** The file's bytes again; the last chunk is held back until they are known to be the same. */
async function* rereadChunks(
  file: string,
  sha256: string,
  bytes: number,
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  let size = 0;
  let previous: Buffer | undefined;
  for await (const chunk of readChunks(file)) {
    hash.update(chunk);
    size += chunk.length;
    if (size > bytes) throw new TranscriptChangedError();
    if (previous) yield previous;
    previous = chunk;
  }

  if (size !== bytes || hash.digest('hex') !== sha256) throw new TranscriptChangedError();
  if (previous) yield previous;
}

/** Fresh buffers: a chunk handed to the request may still wait in the socket's queue. */
function readChunks(file: string): AsyncIterable<Buffer> {
  return createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
}

/** The file through one buffer, each chunk valid until the next is read: for looking only. */
async function* readIntoOneBuffer(file: string): AsyncGenerator<Uint8Array> {
  const handle = await open(file, 'r');
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

async function readAll(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * Decompresses frame by frame, checking each frame's content against the size and checksum in its
 * header, and refuses a file that inflates past `maxBytes` as soon as it is known to.
 */
async function decompressFile(file: string, maxBytes: number): Promise<Buffer> {
  const archive = await readAll(file);
  const parts: Uint8Array[] = [];
  let total = 0;

  try {
    for (const frame of splitZstdFrames(archive)) {
      const content = decompressFrame(frame, { maxBytes, bytesSoFar: total });
      const mismatch = frameContentMismatch(frame, content);
      if (mismatch) throw new UnreadableTranscriptError(`${mismatch}: the archive is damaged`);
      parts.push(content);
      total += content.byteLength;
    }
  } catch (error) {
    if (!(error instanceof ZstdFormatError)) throw error;
    throw new UnreadableTranscriptError(`not a valid zstd file (${error.message})`);
  }

  return Buffer.concat(parts, total);
}

function decompressFrame(
  frame: ZstdFrame,
  limit: { maxBytes: number; bytesSoFar: number },
): Uint8Array {
  const tooLarge = () =>
    new UnreadableTranscriptError(`decompressed size is over the limit of ${limit.maxBytes} bytes`);
  const room = limit.maxBytes - limit.bytesSoFar;
  // Refused from the header alone, before fzstd sizes a buffer for that much content.
  if (frame.contentSize !== undefined && frame.contentSize > room) throw tooLarge();

  const parts: Uint8Array[] = [];
  let size = 0;
  decodeZstdFrame(frame, {
    maxContentBytes: room,
    onData: (data) => {
      size += data.byteLength;
      if (size > room) throw tooLarge();
      parts.push(data);
    },
  });

  return Buffer.concat(parts, size);
}

import { open } from 'node:fs/promises';

import { decodeZstdFrame } from '../../fs/decode-zstd-frame.js';
import { hashBytes } from '../../fs/file-hash.js';
import {
  type ZstdFrame,
  ZstdFormatError,
  frameContentMismatch,
  splitZstdFrames,
} from '../../fs/zstd-frames.js';

export interface TranscriptBody {
  /** The JSONL text, exactly as written (a byte-order mark is kept). */
  text: string;
  /** SHA-256 of the bytes that `text` decodes from (the decompressed bytes for `.zst`). */
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

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads a transcript for upload: decompresses `.zst` archives, then decodes strict UTF-8 so that
 * a damaged file is refused rather than uploaded with replacement characters.
 */
export async function readTranscript(
  file: string,
  options: { compressed: boolean; maxBytes: number },
): Promise<TranscriptBody> {
  const bytes = options.compressed
    ? await decompressFile(file, options.maxBytes)
    : await readAll(file);

  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new UnreadableTranscriptError('not valid UTF-8; fix or remove the file by hand');
  }

  return { text, sha256: hashBytes(bytes), bytes: bytes.byteLength };
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
async function decompressFile(file: string, maxBytes: number): Promise<Uint8Array> {
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

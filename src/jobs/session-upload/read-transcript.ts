import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

import { Decompress } from 'fzstd';

import { hashBytes } from '../../fs/file-hash.js';
import { errorCode, errorMessage } from '../../worker/errors.js';

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

/** Decompresses chunk by chunk so that a file that inflates past `maxBytes` is refused early. */
async function decompressFile(file: string, maxBytes: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  const stream = new Decompress((data) => {
    total += data.byteLength;
    if (total > maxBytes) {
      throw new UnreadableTranscriptError(
        `decompressed size is over the limit of ${maxBytes} bytes`,
      );
    }
    parts.push(data);
  });

  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
      stream.push(chunk as Uint8Array);
    }
    stream.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof UnreadableTranscriptError || errorCode(error)) throw error;
    throw new UnreadableTranscriptError(`not a valid zstd file (${errorMessage(error)})`);
  }

  return Buffer.concat(parts, total);
}

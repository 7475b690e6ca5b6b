/**
 * Splits a zstd archive into its frames so that each one's decompressed content can be checked
 * against the checksum and size in its header. fzstd decodes frames but skips both checks, so a
 * damaged archive could otherwise decode, silently, to other text.
 */
import { xxh64 } from './xxh64.js';

/** One zstd frame of an archive, ready to hand to a decompressor. */
export interface ZstdFrame {
  /** 1-based position among the archive's zstd frames (skippable frames are not counted). */
  number: number;
  /** The whole frame, from its magic number through its checksum. */
  bytes: Uint8Array;
  /** Size of the decompressed content, when the header declares it. */
  contentSize: number | undefined;
  /** Low 32 bits of XXH64 of the decompressed content, when the frame carries them. */
  checksum: number | undefined;
}

/** The bytes are not a well-formed sequence of zstd frames. */
export class ZstdFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZstdFormatError';
  }
}

const FRAME_MAGIC = 0xfd2fb528;
/** Skippable frames use the sixteen magic numbers 0x184D2A50 to 0x184D2A5F. */
const SKIPPABLE_MAGIC_BASE = 0x184d2a50;
const BLOCK_TYPE_RLE = 1;
const BLOCK_TYPE_RESERVED = 3;

/** Lists the zstd frames of an archive in order, leaving out skippable frames. */
export function splitZstdFrames(archive: Uint8Array): ZstdFrame[] {
  const reader = new ByteReader(archive);
  const frames: ZstdFrame[] = [];

  while (!reader.atEnd()) {
    const start = reader.offset;
    const magic = reader.uint32(`a frame magic number at byte ${start}`);

    if ((magic & 0xfffffff0) >>> 0 === SKIPPABLE_MAGIC_BASE) {
      const size = reader.uint32(`the size of the skippable frame at byte ${start}`);
      reader.skip(size, `the skippable frame at byte ${start}`);
      continue;
    }
    if (magic !== FRAME_MAGIC) {
      throw new ZstdFormatError(`no zstd frame starts at byte ${start}`);
    }

    const number = frames.length + 1;
    const header = readFrameHeader(reader, number);
    skipBlocks(reader, number);
    const checksum = header.hasChecksum
      ? reader.uint32(`the checksum of frame ${number}`)
      : undefined;
    frames.push({
      number,
      bytes: archive.subarray(start, reader.offset),
      contentSize: header.contentSize,
      checksum,
    });
  }

  return frames;
}

/**
 * Compares a frame's decompressed content with what its header promised. Returns what differs
 * (`checksum mismatch in frame 2`), or undefined when the content is sound.
 */
export function frameContentMismatch(frame: ZstdFrame, content: Uint8Array): string | undefined {
  if (frame.contentSize !== undefined && frame.contentSize !== content.byteLength) {
    return (
      `size mismatch in frame ${frame.number}: ${content.byteLength} bytes decompressed, ` +
      `the header says ${frame.contentSize}`
    );
  }
  if (frame.checksum !== undefined && frame.checksum !== frameChecksum(content)) {
    return `checksum mismatch in frame ${frame.number}`;
  }
  return undefined;
}

/** The checksum a zstd frame stores for its content: the low 32 bits of XXH64. */
export function frameChecksum(content: Uint8Array): number {
  return Number(xxh64(content) & 0xffffffffn);
}

interface FrameHeader {
  contentSize: number | undefined;
  hasChecksum: boolean;
}

function readFrameHeader(reader: ByteReader, number: number): FrameHeader {
  const where = `the header of frame ${number}`;
  const descriptor = reader.uint8(where);
  const contentSizeFlag = descriptor >> 6;
  const singleSegment = (descriptor & 0x20) !== 0;
  const hasChecksum = (descriptor & 0x04) !== 0;
  const dictionaryIdFlag = descriptor & 0x03;

  if (descriptor & 0x08) {
    throw new ZstdFormatError(`frame ${number} sets a reserved header bit`);
  }

  if (!singleSegment) reader.skip(1, where);
  const dictionaryId = reader.uintLE([0, 1, 2, 4][dictionaryIdFlag]!, where);
  if (dictionaryId !== 0) {
    throw new ZstdFormatError(`frame ${number} needs zstd dictionary ${dictionaryId}`);
  }

  const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag]!;
  if (contentSizeBytes === 0) return { contentSize: undefined, hasChecksum };
  // A two-byte size is stored minus 256, since one byte already covers the smaller sizes.
  const contentSize = reader.uintLE(contentSizeBytes, where) + (contentSizeBytes === 2 ? 256 : 0);
  return { contentSize, hasChecksum };
}

/** Steps over a frame's blocks, each a 3-byte header (last-block flag, type, size) and content. */
function skipBlocks(reader: ByteReader, number: number): void {
  for (let block = 1; ; block += 1) {
    const where = `block ${block} of frame ${number}`;
    const header = reader.uintLE(3, where);
    const isLast = (header & 1) === 1;
    const type = (header >> 1) & 3;
    const size = header >>> 3;

    if (type === BLOCK_TYPE_RESERVED) {
      throw new ZstdFormatError(`${where} has the reserved block type`);
    }
    // An RLE block stores one byte, repeated `size` times when decompressed.
    reader.skip(type === BLOCK_TYPE_RLE ? 1 : size, where);
    if (isLast) return;
  }
}

/** Reads little-endian integers and refuses to run past the end of the archive. */
class ByteReader {
  offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  atEnd(): boolean {
    return this.offset >= this.bytes.byteLength;
  }

  uint8(what: string): number {
    return this.uintLE(1, what);
  }

  uint32(what: string): number {
    return this.uintLE(4, what);
  }

  /** Reads up to 8 bytes; sizes past 2^53 are out of reach anyway and come out approximate. */
  uintLE(byteCount: number, what: string): number {
    this.ensure(byteCount, what);
    let value = 0;
    for (let index = byteCount - 1; index >= 0; index -= 1) {
      value = value * 256 + this.bytes[this.offset + index]!;
    }
    this.offset += byteCount;
    return value;
  }

  skip(byteCount: number, what: string): void {
    this.ensure(byteCount, what);
    this.offset += byteCount;
  }

  private ensure(byteCount: number, what: string): void {
    if (this.offset + byteCount > this.bytes.byteLength) {
      throw new ZstdFormatError(`the file ends inside ${what}`);
    }
  }
}

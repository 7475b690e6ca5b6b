/**
 * Runs fzstd on one frame under a deadline. Some damaged frames make fzstd 0.1 loop forever
 * (a Huffman weight table whose only symbol takes the whole table is read without ever consuming
 * a bit), which would freeze the whole worker; `node:vm` can interrupt a synchronous loop, so the
 * decoder runs inside one and a frame that overstays is refused as damaged.
 */
import vm from 'node:vm';

import { Decompress } from 'fzstd';

import { errorCode, errorMessage } from '../worker/errors.js';
import { type ZstdFrame, ZstdFormatError } from './zstd-frames.js';

/**
 * fzstd decodes 10 MiB of JSONL in about half a second on a busy two-core machine; the deadline
 * leaves several times that, because a refusal is remembered until the file changes.
 */
const BASE_DEADLINE_MS = 2000;
const DEADLINE_MS_PER_MIB = 2000;

/** One context for every frame: creating a context costs more than decoding a small frame. */
const decoderContext = vm.createContext({ decodeFrame: () => {} });
const callDecoder = new vm.Script('decodeFrame()');

/**
 * Decompresses `frame`, handing each piece of content to `onData` as it is produced. An error
 * thrown by `onData` (a size limit, say) comes out unchanged; a frame fzstd rejects, or does not
 * finish within its deadline, comes out as a ZstdFormatError.
 */
export function decodeZstdFrame(
  frame: ZstdFrame,
  options: { maxContentBytes: number; onData: (data: Uint8Array) => void },
): void {
  const deadlineMs = decodeDeadlineMs(frame.contentSize ?? options.maxContentBytes);
  let fromOnData: { error: unknown } | undefined;
  const stream = new Decompress((data) => {
    try {
      options.onData(data);
    } catch (error) {
      fromOnData = { error };
      throw error;
    }
  });
  decoderContext.decodeFrame = () => stream.push(frame.bytes, true);

  try {
    callDecoder.runInContext(decoderContext, { timeout: deadlineMs });
  } catch (error) {
    if (fromOnData) throw fromOnData.error;
    if (errorCode(error) === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      const seconds = (deadlineMs / 1000).toFixed(1);
      throw new ZstdFormatError(`frame ${frame.number} did not finish decoding in ${seconds} s`);
    }
    throw new ZstdFormatError(`frame ${frame.number}: ${errorMessage(error)}`);
  } finally {
    decoderContext.decodeFrame = () => {};
  }
}

function decodeDeadlineMs(contentBytes: number): number {
  return BASE_DEADLINE_MS + Math.ceil((contentBytes / (1024 * 1024)) * DEADLINE_MS_PER_MIB);
}

import { escapeJsonBytes } from './json-string-bytes.js';
import type { StreamedText } from './streamed-text.js';

/** One attempt's body: its chunks, and the text source's own failure if it had one. */
export interface BodyAttempt {
  chunks: AsyncIterable<Uint8Array>;
  /** Set when reading the text failed, as opposed to the connection. */
  sourceError(): unknown;
}

/**
 * A JSON object whose last field is a streamed text: `{...fields, "<name>": "<text>"}` with a
 * length known before the first byte is sent. The closing quote and brace are sent only after
 * the whole text, so a body cut short is never valid JSON.
 */
export class StreamedJsonBody {
  readonly length: number;
  private readonly head: Buffer;
  private readonly tail = Buffer.from('"}');

  constructor(
    fields: Record<string, unknown>,
    name: string,
    private readonly text: StreamedText,
  ) {
    const opening = JSON.stringify(fields).slice(0, -1);
    const separator = opening === '{' ? '' : ',';
    this.head = Buffer.from(`${opening}${separator}${JSON.stringify(name)}:"`);
    this.length = this.head.length + text.escapedBytes + this.tail.length;
  }

  /** A fresh pass over the body, for one attempt of the request. */
  open(): BodyAttempt {
    let failure: unknown;
    const { head, tail, text, length } = this;

    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield head;
      let sent = head.length;
      try {
        for await (const chunk of text.chunks()) {
          const escaped = escapeJsonBytes(chunk);
          sent += escaped.length;
          yield escaped;
        }
      } catch (error) {
        failure = error;
        throw error;
      }
      if (sent + tail.length !== length) {
        failure = new Error(`the text came to ${sent - head.length} bytes, not the size measured`);
        throw failure;
      }
      yield tail;
    }

    return { chunks: chunks(), sourceError: () => failure };
  }
}

/**
 * A UTF-8 text sent as a JSON string inside a request body without being held as one string:
 * its size once escaped is known up front, so the request can carry a Content-Length.
 */
export interface StreamedText {
  /** The size of the text's bytes once escaped for the inside of a JSON string. */
  escapedBytes: number;
  /**
   * The text's UTF-8 bytes, anew for each attempt. Throwing ends the request before the body is
   * complete, so a server can never take a partial text for the whole.
   */
  chunks(): AsyncIterable<Uint8Array>;
}

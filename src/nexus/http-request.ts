import http from 'node:http';
import https from 'node:https';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';

export interface HttpAnswer {
  status: number;
  /** The answer's body decoded as UTF-8. */
  text: string;
  header(name: string): string | undefined;
}

export interface HttpRequestOptions {
  method: string;
  headers: Record<string, string>;
  /** A stream is sent with backpressure: no more of it is read than the socket takes. */
  body?: string | AsyncIterable<Uint8Array>;
  signal: AbortSignal;
  /** An answer larger than this, once decoded, is refused: no Nexus answer comes near it. */
  maxAnswerBytes: number;
  /**
   * Ask before sending a streamed body (`Expect: 100-continue`), so that a server refusing it
   * says so before any of it goes out; without word from the server the body goes anyway.
   */
  expectContinue?: boolean;
}

/** The answer was larger than the caller allows. */
export class AnswerTooLargeError extends Error {
  constructor(limit: number) {
    super(`the answer is larger than ${Math.round(limit / 1024)} KiB, more than Nexus ever sends`);
    this.name = 'AnswerTooLargeError';
  }
}

/** A success or duplicate answer that came before the whole body was sent: not to be trusted. */
export class EarlyAnswerError extends Error {
  constructor(status: number) {
    super(`HTTP ${status} came before the whole request body was sent; not taken as an answer`);
    this.name = 'EarlyAnswerError';
  }
}

/** The answer's content encoding cannot be read. */
export class AnswerEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnswerEncodingError';
  }
}

/** What the request offers to take compressed; large pending-item answers shrink several times. */
const ACCEPT_ENCODING = 'gzip, deflate, br';
/** How long a server that ignores `Expect: 100-continue` makes us wait, as curl waits. */
const CONTINUE_WAIT_MS = 1000;

/**
 * One HTTP exchange on node:http. Chosen over fetch because fetch reads a streamed body ahead of
 * the socket, which costs tens of megabytes per large transcript in flight. Redirects are answers
 * like any other: nothing here follows one. A server may answer before it has read the whole
 * body (a size limit, a key check): the rest of the body is then not sent, the answer is taken
 * as it is, and the connection, which now holds half a request, is closed.
 */
export function httpRequest(url: URL, options: HttpRequestOptions): Promise<HttpAnswer> {
  const transport = url.protocol === 'https:' ? https : http;
  const { method, body, signal, maxAnswerBytes } = options;
  const streamed = body !== undefined && typeof body !== 'string';
  const expectContinue = streamed && options.expectContinue === true;
  const headers: Record<string, string> = {
    'accept-encoding': ACCEPT_ENCODING,
    ...options.headers,
  };
  if (expectContinue) headers.expect = '100-continue';

  return new Promise<HttpAnswer>((resolve, reject) => {
    let answered = false;
    let bodyDone = !streamed;
    let source: Readable | undefined;
    let waiting: NodeJS.Timeout | undefined;

    const request = transport.request(url, { method, headers, signal }, (response) => {
      answered = true;
      const early = !bodyDone;
      const status = response.statusCode ?? 0;
      stopBody();

      // Only a refusal can come before the server has the body: a success then proves nothing.
      if (early && !isRefusal(status)) {
        response.destroy();
        request.destroy();
        reject(new EarlyAnswerError(status));
        return;
      }

      readAnswer(response, maxAnswerBytes).then(
        (answer) => {
          resolve(answer);
          // The connection holds half a request: it can serve no other.
          if (early) request.destroy();
        },
        (error: unknown) => {
          request.destroy();
          // A refusal's body is only a detail: its status says what matters, however it ends.
          // A success or a duplicate must come whole to be believed.
          if (isRefusal(status)) resolve(statusOnly(response));
          else reject(error);
        },
      );
    });
    request.on('error', (error) => {
      // The file being sent is closed too: a daemon meeting resets must not run out of them.
      stopBody();
      if (!answered) reject(error);
    });

    if (!streamed) {
      request.end(body);
      return;
    }

    function startBody() {
      clearTimeout(waiting);
      if (!streamed || source || answered || request.destroyed) return;
      source = Readable.from(body as AsyncIterable<Uint8Array>, { objectMode: false });
      source.on('end', () => (bodyDone = true));
      source.on('error', (error) => {
        // The text could not be read: the request must end incomplete, never look whole.
        request.destroy(error);
        reject(error);
      });
      source.pipe(request);
    }

    function stopBody() {
      clearTimeout(waiting);
      if (!source || bodyDone) return;
      source.unpipe(request);
      source.destroy();
    }

    request.on('close', () => clearTimeout(waiting));
    if (expectContinue) {
      request.flushHeaders();
      request.once('continue', startBody);
      waiting = setTimeout(startBody, CONTINUE_WAIT_MS);
    } else {
      startBody();
    }
  });
}

/** An answer that can come before the body: the server refuses the request as it stands. */
function isRefusal(status: number): boolean {
  return status >= 400 && status !== 409;
}

function isOwnLimit(error: unknown): boolean {
  return error instanceof AnswerTooLargeError || error instanceof AnswerEncodingError;
}

function statusOnly(response: http.IncomingMessage): HttpAnswer {
  return { status: response.statusCode ?? 0, text: '', header: headerReader(response) };
}

/** Reads and decodes the answer, refusing it as soon as it grows past `maxBytes`. */
async function readAnswer(
  response: http.IncomingMessage,
  maxBytes: number,
): Promise<HttpAnswer> {
  const chunks: Buffer[] = [];
  let size = 0;
  let decoder: Transform | undefined;

  try {
    decoder = decoderFor(response.headers['content-encoding']);
    const decoded = decoder ? pipeline(response, decoder, () => undefined) : response;
    for await (const chunk of decoded) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new AnswerTooLargeError(maxBytes);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    response.destroy();
    if (isOwnLimit(error) || !decoder || response.errored) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const name = response.headers['content-encoding'];
    throw new AnswerEncodingError(
      `the answer says it is ${name} but cannot be decoded (${reason})`,
    );
  }

  return {
    status: response.statusCode ?? 0,
    text: Buffer.concat(chunks).toString('utf8'),
    header: headerReader(response),
  };
}

/** A streaming decoder: a compressed bomb is counted as it inflates, chunk by chunk. */
function decoderFor(encoding: string | undefined): Transform | undefined {
  const name = encoding?.trim().toLowerCase();
  if (!name || name === 'identity') return undefined;

  if (name === 'gzip' || name === 'x-gzip') return zlib.createGunzip();
  if (name === 'deflate') return zlib.createInflate();
  if (name === 'br') return zlib.createBrotliDecompress();
  throw new AnswerEncodingError(`the answer is in an encoding this worker cannot read: ${name}`);
}

function headerReader(response: http.IncomingMessage): HttpAnswer['header'] {
  return (name) => {
    const value = response.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  };
}

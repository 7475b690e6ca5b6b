import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export interface HttpAnswer {
  status: number;
  /** The answer's body decoded as UTF-8. */
  text: string;
  header(name: string): string | undefined;
}

const DECODERS: Record<string, (bytes: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(zlib.gunzip),
  'x-gzip': promisify(zlib.gunzip),
  deflate: promisify(zlib.inflate),
  br: promisify(zlib.brotliDecompress),
};
/** What the request offers to take compressed; large pending-item answers shrink several times. */
const ACCEPT_ENCODING = 'gzip, deflate, br';
/** A compressed answer that inflates past this is refused rather than filling the memory. */
const MAX_DECODED_BYTES = 1024 * 1024 * 1024;

export interface HttpRequestOptions {
  method: string;
  headers: Record<string, string>;
  /** A stream is sent with backpressure: no more of it is read than the socket takes. */
  body?: string | AsyncIterable<Uint8Array>;
  signal: AbortSignal;
}

/**
 * One HTTP exchange on node:http. Chosen over fetch because fetch reads a streamed body ahead of
 * the socket, which costs tens of megabytes per large transcript in flight. Redirects are
 * answers like any other: nothing here follows one.
 */
export function httpRequest(url: URL, options: HttpRequestOptions): Promise<HttpAnswer> {
  const transport = url.protocol === 'https:' ? https : http;
  const { method, headers, body, signal } = options;

  return new Promise<HttpAnswer>((resolve, reject) => {
    const allHeaders = { 'accept-encoding': ACCEPT_ENCODING, ...headers };
    const request = transport.request(url, { method, headers: allHeaders, signal }, (response) => {
      readAnswer(response).then(resolve, reject);
    });
    request.on('error', reject);

    if (body === undefined || typeof body === 'string') {
      request.end(body);
      return;
    }
    // The request's own 'error' settles the promise; this one only keeps the failure handled.
    pipeline(Readable.from(body, { objectMode: false }), request).catch((error: unknown) => {
      request.destroy(error instanceof Error ? error : new Error(String(error)));
      reject(error);
    });
  });
}

async function readAnswer(response: http.IncomingMessage): Promise<HttpAnswer> {
  const chunks: Buffer[] = [];
  // Throws when the connection ends before the answer does, as a truncated answer should.
  for await (const chunk of response) chunks.push(chunk as Buffer);

  const { headers } = response;
  const body = await decode(Buffer.concat(chunks), headers['content-encoding']);
  return {
    status: response.statusCode ?? 0,
    text: body.toString('utf8'),
    header: (name) => {
      const value = headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

async function decode(body: Buffer, encoding: string | undefined): Promise<Buffer> {
  const name = encoding?.trim().toLowerCase();
  if (!name || name === 'identity') return body;

  const decoder = DECODERS[name];
  if (!decoder) throw new Error(`the answer is in an encoding this worker cannot read: ${name}`);
  try {
    return await decoder(body, { maxOutputLength: MAX_DECODED_BYTES });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`the answer says it is ${name} but cannot be decoded (${reason})`);
  }
}

/**
 * Checks the body of `POST /sessions` and turns it into what the store keeps. Every refusal is a
 * ClientError that names the field at fault, so a bad upload is always a 4xx, never a 500.
 */

import { createHash } from 'node:crypto';

import { ClientError } from './error-replies.js';

/** The reference server's limit on a transcript: 10 MiB of UTF-8. */
export const MAX_TRANSCRIPT_BYTES = 10 * 1024 * 1024;

/** A larger request is refused from its Content-Length alone, before the body is read. */
export const MAX_SESSION_REQUEST_BYTES = 2 * MAX_TRANSCRIPT_BYTES;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// In a `u` regex a well-formed surrogate pair is one code point, so only a lone half matches.
const LONE_SURROGATE = /\p{Cs}/u;

export interface SessionUpload {
  agentId: string;
  sessionId: string;
  transcript: string;
  fileName: string | null;
  sha256: string;
  bytes: number;
}

export function isSessionId(value: string): boolean {
  return UUID_PATTERN.test(value);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new ClientError(400, `${field} must be a string if given`);
  return value;
}

export function parseSessionUpload(body: unknown): SessionUpload {
  if (!isRecord(body)) {
    const fields = 'agentId, sessionId and transcript';
    throw new ClientError(400, `the body must be a JSON object with ${fields}`);
  }

  const { agentId, sessionId, transcript } = body;
  if (typeof agentId !== 'string' || agentId.length === 0) {
    throw new ClientError(400, 'agentId must be a non-empty string');
  }
  if (typeof sessionId !== 'string' || !isSessionId(sessionId)) {
    throw new ClientError(400, 'sessionId must be a UUID in its 36-character text form');
  }
  if (typeof transcript !== 'string') {
    throw new ClientError(400, 'transcript must be a string');
  }

  const bytes = Buffer.byteLength(transcript, 'utf8');
  if (bytes > MAX_TRANSCRIPT_BYTES) {
    const limit = `the limit is ${MAX_TRANSCRIPT_BYTES} bytes`;
    throw new ClientError(413, `transcript is ${bytes} bytes of UTF-8; ${limit}`);
  }
  if (LONE_SURROGATE.test(transcript)) {
    // Such text has no UTF-8 form: what the store keeps would differ from what was sent.
    throw new ClientError(400, 'transcript holds an unpaired UTF-16 surrogate (\\ud800-\\udfff)');
  }

  const fileName = optionalString(body, 'fileName');
  const claimedSha256 = optionalString(body, 'sha256');
  const sha256 = sha256Hex(transcript);
  if (claimedSha256 !== null && claimedSha256.toLowerCase() !== sha256) {
    throw new ClientError(400, `sha256 does not match the transcript, whose SHA-256 is ${sha256}`);
  }

  return { agentId, sessionId, transcript, fileName, sha256, bytes };
}

/**
 * The misbehaviours the fault proxy can play for one request. Each fault is named by what the
 * worker sees, and says whether Nexus saw the request: a fault after Nexus handled it leaves
 * its effect standing (a stored transcript, a deleted item).
 */

/** Where the proxy cuts a connection. */
export type CutPoint =
  /** As soon as the request head is in, its body unread: Nexus never sees it. */
  | 'on-arrival'
  /** After the whole request is read: Nexus never sees it. */
  | 'after-request'
  /** After Nexus handled the request, before one byte of its answer is sent. */
  | 'after-nexus'
  /** After Nexus's status line, headers and half of its body. */
  | 'mid-answer';

export type Fault =
  | { kind: 'pass' }
  /** A TCP reset (RST) at `at`. */
  | { kind: 'reset'; at: CutPoint }
  /** An orderly close (FIN) at `at`, as a crashing server or a load balancer would. */
  | { kind: 'close'; at: CutPoint }
  /** The request is read and never answered. */
  | { kind: 'stall' }
  /** Nexus's answer, sent `chunkBytes` every `everyMs`. */
  | { kind: 'drip'; chunkBytes: number; everyMs: number }
  /** Nexus's answer with its full Content-Length but half its body, then a close. */
  | { kind: 'truncate' }
  /** Nexus's answer with its full Content-Length but half its body, then silence. */
  | { kind: 'hang-halfway' }
  /** The proxy's own answer instead of Nexus's; Nexus handles the request first if `afterNexus`. */
  | {
      kind: 'answer';
      status: number;
      headers: Record<string, string>;
      body: string;
      afterNexus: boolean;
      label: string;
    };

/** A reply the proxy makes up itself. */
export type AnswerFault = Extract<Fault, { kind: 'answer' }>;

export const pass: Fault = { kind: 'pass' };
export const stall: Fault = { kind: 'stall' };
export const truncate: Fault = { kind: 'truncate' };
export const hangHalfway: Fault = { kind: 'hang-halfway' };

export function reset(at: CutPoint): Fault {
  return { kind: 'reset', at };
}

export function close(at: CutPoint): Fault {
  return { kind: 'close', at };
}

export function drip(chunkBytes: number, everyMs: number): Fault {
  return { kind: 'drip', chunkBytes, everyMs };
}

/** A byte every quarter second: even the shortest answer (13 bytes) outlasts a request timeout. */
export const slowDrip = drip(1, 250);

/** A JSON error answer such as an overloaded server gives. */
export function httpError(status: number, extraHeaders: Record<string, string> = {}): AnswerFault {
  const headers = { 'content-type': 'application/json', ...extraHeaders };
  const body = JSON.stringify({ error: `injected HTTP ${status}` });
  return { kind: 'answer', status, headers, body, afterNexus: false, label: `HTTP ${status}` };
}

/** 429 with a Retry-After header: delay-seconds (`"1"`) or an HTTP date. */
export function tooManyRequests(retryAfter: string): AnswerFault {
  const fault = httpError(429, { 'retry-after': retryAfter });
  return { ...fault, label: `HTTP 429, Retry-After: ${retryAfter}` };
}

/** A 429 whose Retry-After is an HTTP date `seconds` from when the request comes in. */
export function tooManyRequestsUntil(seconds: number): () => Fault {
  return () => tooManyRequests(new Date(Date.now() + seconds * 1000).toUTCString());
}

/** A redirect to `location`, as a misconfigured gateway or a hijacked name could send. */
export function redirect(status: number, location: string): Fault {
  return {
    kind: 'answer',
    status,
    headers: { location, 'content-type': 'text/plain' },
    body: `Moved to ${location}`,
    afterNexus: false,
    label: `HTTP ${status} to ${location}`,
  };
}

/** The kind of page a gateway in front of Azure Functions shows when the app is down. */
export function htmlErrorPage(status = 502): Fault {
  const body =
    '<!DOCTYPE html>\n<html><head><title>Bad Gateway</title></head>' +
    '<body><h1>502 - Web server received an invalid response</h1></body></html>\n';
  return {
    kind: 'answer',
    status,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body,
    afterNexus: false,
    label: `HTTP ${status} HTML page`,
  };
}

/** `200 text/plain` where JSON was due; with `afterNexus`, Nexus did handle the request. */
export function plainText200(afterNexus: boolean): Fault {
  const where = afterNexus ? 'after Nexus handled it' : 'Nexus never saw it';
  return {
    kind: 'answer',
    status: 200,
    headers: { 'content-type': 'text/plain' },
    body: 'OK',
    afterNexus,
    label: `HTTP 200 text/plain (${where})`,
  };
}

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'pass':
      return 'no fault';
    case 'reset':
      return `connection reset ${fault.at}`;
    case 'close':
      return `connection closed ${fault.at}`;
    case 'stall':
      return 'no answer at all';
    case 'drip':
      return `answer dripped ${fault.chunkBytes} bytes every ${fault.everyMs} ms`;
    case 'truncate':
      return 'answer cut short of its Content-Length';
    case 'hang-halfway':
      return 'answer that hangs halfway';
    case 'answer':
      return fault.label;
  }
}

/** True when Nexus handles the request before the fault hides its answer. */
export function reachesNexus(fault: Fault): boolean {
  switch (fault.kind) {
    case 'reset':
    case 'close':
      return fault.at === 'after-nexus' || fault.at === 'mid-answer';
    case 'stall':
      return false;
    case 'answer':
      return fault.afterNexus;
    default:
      return true;
  }
}

/**
 * The fault proxy itself: each fault looks to a plain HTTP client as it claims to, and reaches
 * Nexus exactly when it says it does. The worker suites rely on both.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startLocalNexus } from '../../helpers/local-nexus.js';
import { startFaultProxy } from './fault-proxy.js';
import { always } from './fault-plans.js';
import {
  close,
  describeFault,
  drip,
  hangHalfway,
  htmlErrorPage,
  httpError,
  pass,
  plainText200,
  reachesNexus,
  reset,
  slowDrip,
  stall,
  tooManyRequests,
  truncate,
  type Fault,
} from './faults.js';

/** Long enough for a busy machine to answer, short enough to wait out three times. */
const CLIENT_TIMEOUT_MS = 1500;

type Outcome = { answered: number; contentType: string; body: string } | 'failed' | 'timed out';

type OutcomeKind = 'answered' | 'failed' | 'timed out';

/** A cut on a request with a body may look to fetch like a stall: it then waits for its timeout. */
const CUT: OutcomeKind[] = ['failed', 'timed out'];

const CASES: { fault: Fault; expect: OutcomeKind[] }[] = [
  { fault: pass, expect: ['answered'] },
  { fault: reset('on-arrival'), expect: CUT },
  { fault: close('on-arrival'), expect: CUT },
  { fault: reset('after-request'), expect: CUT },
  { fault: close('after-request'), expect: CUT },
  { fault: reset('after-nexus'), expect: CUT },
  { fault: close('after-nexus'), expect: CUT },
  { fault: reset('mid-answer'), expect: CUT },
  { fault: close('mid-answer'), expect: ['failed'] },
  { fault: stall, expect: ['timed out'] },
  { fault: slowDrip, expect: ['timed out'] },
  { fault: drip(16, 5), expect: ['answered'] },
  { fault: truncate, expect: ['failed'] },
  { fault: hangHalfway, expect: ['timed out'] },
  { fault: httpError(503), expect: ['answered'] },
  { fault: htmlErrorPage(502), expect: ['answered'] },
  { fault: tooManyRequests('7'), expect: ['answered'] },
  { fault: plainText200(true), expect: ['answered'] },
];

test('each fault shows as it claims and reaches Nexus only when it says', async (t) => {
  const nexus = await startLocalNexus();
  t.after(() => nexus.close());
  const proxy = await startFaultProxy(nexus.url);
  t.after(() => proxy.close());

  for (const [index, { fault, expect }] of CASES.entries()) {
    await t.test(describeFault(fault), async () => {
      proxy.plan = always(fault);
      const before = nexus.pendingItems('probe').length;

      const outcome = await ingestThrough(proxy.url, nexus.apiKey, index);

      const kind = typeof outcome === 'string' ? outcome : 'answered';
      assert.ok(expect.includes(kind), `expected ${expect.join(' or ')}, got ${kind}`);
      const stored = nexus.pendingItems('probe').length - before;
      assert.equal(stored, reachesNexus(fault) ? 1 : 0, 'Nexus saw it, or not, as claimed');
      if (typeof outcome !== 'string' && fault.kind === 'answer') {
        assert.equal(outcome.answered, fault.status);
        assert.equal(outcome.body, fault.body);
      }
      if (typeof outcome !== 'string' && fault.kind !== 'answer') {
        assert.equal(outcome.answered, 201);
        assert.ok(JSON.parse(outcome.body).id, 'the whole answer of Nexus came through');
      }
    });
  }

  const seen = proxy.requestsTo('POST /webhook/probe/test');
  assert.equal(seen.length, CASES.length);
  assert.deepEqual(seen.map((request) => request.routeIndex), [...CASES.keys()]);
  const tooMany = CASES.findIndex(({ fault }) => fault.kind === 'answer' && fault.status === 429);
  assert.equal(seen[tooMany]?.body, JSON.stringify({ probe: tooMany }));
});

async function ingestThrough(url: string, apiKey: string, index: number): Promise<Outcome> {
  const timeout = AbortSignal.timeout(CLIENT_TIMEOUT_MS);
  try {
    const response = await fetch(`${url}/webhook/probe/test`, {
      method: 'POST',
      headers: { 'x-functions-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ probe: index }),
      signal: timeout,
    });
    const body = await response.text();
    const contentType = response.headers.get('content-type') ?? '';
    return { answered: response.status, contentType, body };
  } catch {
    return timeout.aborted ? 'timed out' : 'failed';
  }
}

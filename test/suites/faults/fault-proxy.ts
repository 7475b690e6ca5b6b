/**
 * A fault-injecting HTTP proxy between the worker and a local Nexus. For each request its plan
 * chooses a fault (see faults.ts); the proxy plays it and records what it saw, so a test can
 * count attempts per file or per item and time how long the worker kept trying.
 */

import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';

import { noFaults, type FaultPlan, type RequestHead } from './fault-plans.js';
import { describeFault, type Fault } from './faults.js';
import { play } from './play-fault.js';

export interface SeenRequest extends RequestHead {
  fault: Fault;
  /** The status Nexus answered, when the request reached it. */
  nexusStatus?: number;
  /** Set when the proxy itself failed (Nexus down, say): then the fault was not what it seemed. */
  proxyError?: string;
  /** The request body as text; undefined when the proxy cut the connection before reading it. */
  body?: string;
  /** Date.now() when the request head came in. */
  arrivedAt: number;
  /** Date.now() when the exchange ended: answered, cut, or given up by the worker. */
  endedAt?: number;
}

export interface FaultProxy {
  /** Base URL ending like the Nexus URL (`/api`), for a worker config's `url`. */
  url: string;
  /** Chooses each request's fault; change it between runs. No faults at first. */
  plan: FaultPlan;
  /**
   * What happens to a new connection before any request on it: `accept`, or cut at once with a
   * close (FIN) or a reset (RST), as a crashed server behind a load balancer does.
   */
  onConnect: 'accept' | 'close' | 'reset';
  /** How many connections were cut on connect. */
  cutConnections: number;
  seen: SeenRequest[];
  /** The requests seen on `route` (`POST /sessions`), in order. */
  requestsTo(route: string): SeenRequest[];
  close(): Promise<void>;
}

export async function startFaultProxy(nexusUrl: string): Promise<FaultProxy> {
  const target = new URL(nexusUrl);
  const basePath = target.pathname.replace(/\/+$/, '');
  const routeCounts = new Map<string, number>();

  const proxy: FaultProxy = {
    url: '',
    plan: noFaults,
    onConnect: 'accept',
    cutConnections: 0,
    seen: [],
    requestsTo: (route) => proxy.seen.filter((seen) => seen.route === route),
    close: async () => undefined,
  };

  const server = createServer((request, response) => {
    const route = `${request.method ?? ''} ${routeOf(request.url ?? '', basePath)}`;
    const routeIndex = routeCounts.get(route) ?? 0;
    routeCounts.set(route, routeIndex + 1);
    const head = { index: proxy.seen.length, routeIndex, route };
    const seen: SeenRequest = { ...head, fault: proxy.plan(head), arrivedAt: Date.now() };
    proxy.seen.push(seen);

    // The worker aborting or the proxy cutting the line both end here; neither is a test error.
    request.on('error', () => undefined);
    response.on('error', () => undefined);
    response.on('close', () => (seen.endedAt ??= Date.now()));
    play(seen, request, response, target).catch((error: unknown) => {
      seen.proxyError = error instanceof Error ? error.message : String(error);
      response.destroy();
    });
  });

  // Connections come in through a plain TCP server, so one can be cut before HTTP sees it.
  const front = createTcpServer((socket) => {
    if (proxy.onConnect === 'accept') {
      server.emit('connection', socket);
      return;
    }
    proxy.cutConnections += 1;
    if (proxy.onConnect === 'reset') socket.resetAndDestroy();
    else socket.destroy();
  });

  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const { port } = front.address() as AddressInfo;
  proxy.url = `http://127.0.0.1:${port}${basePath}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      front.close(() => resolve());
    });
  return proxy;
}

function routeOf(url: string, basePath: string): string {
  const path = url.split('?')[0] ?? '';
  return path.startsWith(basePath) ? path.slice(basePath.length) : path;
}

/** One line per request, with the fault it met: for a failure message. */
export function describeSeen(requests: SeenRequest[]): string {
  const lines = requests.map(
    (seen) => `${seen.index}: ${seen.route} met ${describeFault(seen.fault)}`,
  );
  return `the proxy saw:\n${lines.join('\n')}`;
}

/**
 * Plans choose the fault each request meets, from what the proxy knows when it comes in: its
 * route and how many requests came before it.
 */

import { pass, type Fault } from './faults.js';

/** What a plan knows of a request when it must choose: nothing of its body yet. */
export interface RequestHead {
  /** 0 for the first request the proxy saw, counting all routes. */
  index: number;
  /** 0 for the first request on this route. */
  routeIndex: number;
  /** Method and path below the base URL, without the query: `POST /sessions`. */
  route: string;
}

export type FaultPlan = (request: RequestHead) => Fault;

export const noFaults: FaultPlan = () => pass;

export function always(fault: Fault): FaultPlan {
  return () => fault;
}

/** A fault, or one made when the request comes in (for a Retry-After date counted from then). */
export type FaultChoice = Fault | (() => Fault);

/**
 * Requests on `route` meet `faults` in turn (the first request the first fault, and so on) and
 * pass once the list is used up; other routes pass. A function chooses by the route index.
 */
export function onRoute(
  route: string,
  faults: FaultChoice[] | ((routeIndex: number) => Fault),
): FaultPlan {
  return (request) => {
    if (request.route !== route) return pass;
    if (typeof faults === 'function') return faults(request.routeIndex);
    const choice = faults[request.routeIndex] ?? pass;
    return typeof choice === 'function' ? choice() : choice;
  };
}

/** The first plan that chooses a fault wins. */
export function combine(...plans: FaultPlan[]): FaultPlan {
  return (request) => {
    for (const plan of plans) {
      const fault = plan(request);
      if (fault.kind !== 'pass') return fault;
    }
    return pass;
  };
}

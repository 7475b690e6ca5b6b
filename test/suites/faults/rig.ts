/**
 * What every fault test stands on: a fresh local Nexus and the fault proxy in front of it,
 * both stopped when the test ends.
 */

import type { TestContext } from 'node:test';

import { startLocalNexus, type TestNexus } from '../../helpers/local-nexus.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

export interface Rig {
  nexus: TestNexus;
  proxy: FaultProxy;
}

export async function startRig(t: TestContext): Promise<Rig> {
  const nexus = await startLocalNexus();
  t.after(() => nexus.close());
  const proxy = await startFaultProxy(nexus.url);
  t.after(() => proxy.close());
  return { nexus, proxy };
}

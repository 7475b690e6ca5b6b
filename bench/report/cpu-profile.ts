/**
 * Reads the `.cpuprofile` that `node --cpu-prof` wrote and says where the time went: by kind of
 * code (the worker's own, a dependency, Node's internals, garbage collection, idle) and by
 * function, counting self time only.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TimeShare {
  what: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  file: string;
  totalMs: number;
  byKind: TimeShare[];
  topFunctions: TimeShare[];
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const TOP_FUNCTIONS = 15;

/**
 * A folder for the worker's profiles outside the bench's temp folder, so they outlive the run
 * and can be opened in Chrome DevTools; the summary names the file.
 */
export function newProfileDir(label: string): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), `nexus-bench-profile-${label}-`));
}

/** The summary of the newest profile in `dir`, or undefined when there is none. */
export async function summariseNewestProfile(dir: string): Promise<ProfileSummary | undefined> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile')).sort();
  const newest = names.at(-1);
  if (!newest) return undefined;

  const file = path.join(dir, newest);
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((nodeId, index) => {
    selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });

  const byKind = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const micros = selfMicros.get(node.id) ?? 0;
    if (micros === 0) continue;
    total += micros;
    add(byKind, kindOf(node.callFrame.url, node.callFrame.functionName), micros);
    add(byFunction, functionLabel(node), micros);
  }

  return {
    file,
    totalMs: total / 1000,
    byKind: shares(byKind, total),
    topFunctions: shares(byFunction, total).slice(0, TOP_FUNCTIONS),
  };
}

function add(totals: Map<string, number>, key: string, micros: number): void {
  totals.set(key, (totals.get(key) ?? 0) + micros);
}

function shares(totals: Map<string, number>, total: number): TimeShare[] {
  return [...totals]
    .map(([what, micros]) => ({
      what,
      ms: Math.round(micros / 100) / 10,
      percent: Math.round((micros / total) * 1000) / 10,
    }))
    .sort((a, b) => b.ms - a.ms);
}

function kindOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : 'native (V8 built-ins)';
  if (url.startsWith('node:')) return 'Node internals';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return `dependency ${dependency[1]}`;
  if (url.includes('/dist/')) return 'worker code (dist/)';
  return 'other';
}

function functionLabel(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName || '(anonymous)';
  if (url === '') return name;
  const file = url.replace(/^.*\/(node_modules|dist)\//, '$1/').replace(/^file:\/\//, '');
  return `${name} ${file}:${lineNumber + 1}`;
}

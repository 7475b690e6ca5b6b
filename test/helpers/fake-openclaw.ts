import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** One run of the fake program, as it recorded itself when it started. */
export interface FakeCall {
  pid: number;
  /** Its arguments, program name left out. */
  argv: string[];
  startedAt: number;
  /** Another call for the same `--agent` was still running when this one started. */
  overlapped: boolean;
}

export interface FakeBehaviour {
  exitCode?: number;
  /** How long each call takes before it exits. */
  sleepMs?: number;
  /** Calls for this agent id hang for a minute instead (until killed). */
  hangForAgent?: string;
  /** Written to stderr before exiting. */
  stderr?: string;
}

export interface FakeProgram {
  /** Folder to put first on PATH. */
  binDir: string;
  /** Full path of the program. */
  path: string;
  /** Every call so far, oldest first. */
  calls(): Promise<FakeCall[]>;
}

/**
 * Writes an executable `openclaw` (a small Node script) into `dir/bin` that records its argv,
 * so a test sees exactly what a real program would have been given.
 */
export async function makeFakeOpenclaw(
  dir: string,
  behaviour: FakeBehaviour = {},
  name = 'openclaw',
): Promise<FakeProgram> {
  const binDir = path.join(dir, 'bin');
  const callsDir = path.join(dir, 'calls');
  await mkdir(binDir, { recursive: true });
  await mkdir(callsDir, { recursive: true });

  const program = path.join(binDir, name);
  await writeFile(program, script(callsDir, behaviour));
  await chmod(program, 0o755);

  const calls = async (): Promise<FakeCall[]> => {
    const names = (await readdir(callsDir)).filter((file) => file.endsWith('.json'));
    const all = await Promise.all(
      names.map(async (file) => JSON.parse(await readFile(path.join(callsDir, file), 'utf8'))),
    );
    return (all as FakeCall[]).sort((a, b) => a.startedAt - b.startedAt);
  };
  return { binDir, path: program, calls };
}

function script(callsDir: string, behaviour: FakeBehaviour): string {
  return `#!${process.execPath}
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const callsDir = ${JSON.stringify(callsDir)};
const argv = process.argv.slice(2);
const agentAt = argv.indexOf('--agent');
const agent = agentAt >= 0 ? argv[agentAt + 1] : 'none';
const marker = path.join(callsDir, '..', 'busy-' + agent);

let overlapped = false;
try {
  fs.writeFileSync(marker, '', { flag: 'wx' });
} catch {
  overlapped = true;
}

const call = { pid: process.pid, argv, startedAt: Date.now(), overlapped };
const file = path.join(callsDir, process.pid + '.json');
fs.writeFileSync(file + '.tmp', JSON.stringify(call));
fs.renameSync(file + '.tmp', file);

const hang = agent === ${JSON.stringify(behaviour.hangForAgent ?? null)};
setTimeout(() => {
  if (!overlapped) fs.rmSync(marker, { force: true });
  process.stderr.write(${JSON.stringify(behaviour.stderr ?? '')});
  process.exitCode = ${behaviour.exitCode ?? 0};
}, hang ? 60000 : ${behaviour.sleepMs ?? 0});
`;
}

/** PATH with the fake program's folder first. */
export function pathWith(binDir: string): string {
  return `${binDir}${path.delimiter}${process.env.PATH ?? ''}`;
}

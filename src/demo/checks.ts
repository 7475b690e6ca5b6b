import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

import { classifyName } from '../openclaw/transcript-name.js';

export interface DemoFolders {
  /** The bundled sample, never changed. */
  sampleSessionsDir: string;
  /** The demo's copy that the worker works on. */
  sessionsDir: string;
  archiveDir: string;
  /** The agent's workspace, and the inbox the worker fills inside it. */
  workspace: string;
  inboxDir: string;
}

interface StoredSession {
  sessionId: string;
  fileName: string;
  sha256: string;
  bytes: number;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function mark(ok: boolean, text: string): boolean {
  console.log(`${ok ? '  ok  ' : '  FAIL'}  ${text}`);
  return ok;
}

/**
 * Prints what Nexus holds for agent `main` and checks the promises the demo makes: every archive
 * stored byte for byte and moved to the archive folder, the live transcript untouched.
 */
export async function checkSessions(
  url: string,
  apiKey: string,
  folders: DemoFolders,
): Promise<boolean> {
  const response = await fetch(`${url}/sessions?agentId=main`, {
    headers: { 'x-functions-key': apiKey },
  });
  const { sessions } = (await response.json()) as { sessions: StoredSession[] };

  console.log('Nexus holds for agent "main":');
  for (const session of sessions) {
    const digest = session.sha256.slice(0, 12);
    console.log(`  ${session.fileName}  ${session.bytes} bytes  sha256 ${digest}…`);
  }
  console.log('');

  let ok = true;
  for (const name of await readdir(folders.sampleSessionsDir)) {
    const kind = classifyName(name);
    const original = await readFile(path.join(folders.sampleSessionsDir, name));

    if (kind.kind === 'reset' || kind.kind === 'deleted') {
      const stored = sessions.find((session) => session.fileName === name);
      ok = mark(stored?.sha256 === sha256(original), `${name} stored byte for byte`) && ok;
      const archived = await readFile(path.join(folders.archiveDir, name)).catch(() => undefined);
      ok = mark(archived?.equals(original) === true, `${name} moved to the archive`) && ok;
    } else {
      const now = await readFile(path.join(folders.sessionsDir, name)).catch(() => undefined);
      const untouched = now?.equals(original) === true;
      const uploaded = sessions.some((session) => session.fileName === name);
      const what = kind.kind === 'transcript' ? 'live transcript' : kind.kind;
      ok = mark(untouched && !uploaded, `${name} left in place, not uploaded (${what})`) && ok;
    }
  }

  const left = await stat(folders.sessionsDir).then(() => true, () => false);
  return mark(left, 'sessions folder still in place') && ok;
}

/**
 * Writes OpenClaw `sessions.json` stores for the bench, built from the entries of the bundled
 * sample store so their fields and sizes are real: `full` entries keep the skills snapshot,
 * prompt report and compaction summaries (12-22 KB each), `compact` ones drop those (about 1 KB).
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';

export type EntryShape = 'full' | 'compact';

export interface StorePlan {
  /** Session ids whose `<id>.jsonl` the store refers to, so they are live. */
  liveSessionIds: readonly string[];
  shape: EntryShape;
  /** Further entries for sessions whose files are gone, until the file reaches this size. */
  fillToBytes?: number;
  /** Session ids for those further entries, drawn as needed. */
  newSessionId: () => string;
}

const SAMPLE_STORE = new URL(
  '../../fixtures/openclaw-legacy/agents/main/sessions/sessions.json',
  import.meta.url,
);
const SESSIONS_PATH = '/root/.openclaw/agents/main/sessions';
const BULKY_FIELDS = ['skillsSnapshot', 'systemPromptReport', 'compactionCheckpoints'];

interface Template {
  sessionId: string;
  text: string;
}

function loadTemplates(shape: EntryShape): Template[] {
  const sample = JSON.parse(readFileSync(SAMPLE_STORE, 'utf8')) as Record<string, unknown>;

  return Object.values(sample).map((value) => {
    const entry = { ...(value as Record<string, unknown>) };
    if (shape === 'compact') for (const field of BULKY_FIELDS) delete entry[field];
    const sessionId = String(entry.sessionId);
    entry.sessionFile = `${SESSIONS_PATH}/${sessionId}.jsonl`;
    return { sessionId, text: JSON.stringify(entry, null, 2) };
  });
}

/** Writes the store and answers how many entries and bytes it holds. */
export async function writeSessionStore(
  file: string,
  plan: StorePlan,
): Promise<{ entries: number; bytes: number }> {
  const templates = loadTemplates(plan.shape);
  const parts: string[] = [];
  let bytes = 2;

  const add = (sessionId: string): void => {
    const template = templates[parts.length % templates.length] as Template;
    // Every mention of the sample's id (sessionFile, checkpoint files, family ids) follows.
    const entry = template.text.replaceAll(template.sessionId, sessionId);
    const part = `"agent:main:direct:${sessionId}": ${entry}`;
    parts.push(part);
    bytes += Buffer.byteLength(part) + 2;
  };

  for (const sessionId of plan.liveSessionIds) add(sessionId);
  while (plan.fillToBytes !== undefined && bytes < plan.fillToBytes) add(plan.newSessionId());

  const text = `{\n${parts.join(',\n')}\n}\n`;
  await writeFile(file, text);
  return { entries: parts.length, bytes: Buffer.byteLength(text) };
}

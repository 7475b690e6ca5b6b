import { z } from 'zod';

/** One item as Nexus lists it. `id` and `source` are untrusted text chosen by strangers. */
export interface WebhookItem {
  id: string;
  source: string;
  receivedAt: unknown;
  payload: unknown;
}

/** A listed entry that cannot be delivered; it stays pending on Nexus. */
export interface InvalidItem {
  /** `item #3 "<id>"`: where it was in the list, and its id when it has a readable one. */
  label: string;
  reason: string;
  /** Its id, when it has one: that id then stays pending, whatever else is listed under it. */
  id?: string;
}

export type PendingAnswer =
  | { ok: true; listed: number; items: WebhookItem[]; invalid: InvalidItem[] }
  | { ok: false; reason: string };

const itemSchema = z.object(
  {
    id: z
      .string({ error: 'id must be a non-empty string' })
      .min(1, 'id must be a non-empty string'),
    source: z
      .string({ error: 'source must be a non-empty string' })
      .min(1, 'source must be a non-empty string'),
    receivedAt: z.unknown().optional(),
    payload: z.unknown().optional(),
  },
  { error: 'not an object' },
);

/**
 * Checks the answer of `GET /webhook/pending`: an object whose `agentId` key holds a list. A
 * malformed answer is rejected whole; within a good list, bad items are set apart from good ones.
 */
export function readPendingAnswer(answer: unknown, agentId: string): PendingAnswer {
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    return { ok: false, reason: `expected an object keyed by agent id, got ${kindOf(answer)}` };
  }
  if (!Object.hasOwn(answer, agentId)) {
    return { ok: false, reason: `the answer has no "${agentId}" key` };
  }

  const list = (answer as Record<string, unknown>)[agentId];
  if (!Array.isArray(list)) {
    return { ok: false, reason: `"${agentId}" holds ${kindOf(list)}, not a list of items` };
  }

  const items: WebhookItem[] = [];
  const invalid: InvalidItem[] = [];
  list.forEach((entry: unknown, index) => {
    const parsed = itemSchema.safeParse(entry);
    if (parsed.success) {
      const { id, source, receivedAt, payload } = parsed.data;
      items.push({ id, source, receivedAt: receivedAt ?? null, payload: payload ?? null });
      return;
    }
    const reason = [...new Set(parsed.error.issues.map((issue) => issue.message))].join('; ');
    const id = readableId(entry);
    invalid.push({ label: labelOf(id, index), reason, ...(id === undefined ? {} : { id }) });
  });
  return { ok: true, listed: list.length, items, invalid };
}

/** How an item is named in logs and errors: quoted, escaped and cut short, as it is untrusted. */
export function describeItem(item: Pick<WebhookItem, 'id' | 'source'>): string {
  return `item ${quote(item.id)} from ${quote(item.source)}`;
}

function readableId(entry: unknown): string | undefined {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

function labelOf(id: string | undefined, index: number): string {
  const position = `item #${index + 1}`;
  return id === undefined ? position : `${position} ${quote(id)}`;
}

const QUOTE_LIMIT = 60;

function quote(text: string): string {
  const short = text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT)}…` : text;
  return JSON.stringify(short);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' || typeof value === 'undefined'
    ? `an ${typeof value}`
    : `a ${typeof value}`;
}

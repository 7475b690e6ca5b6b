/**
 * Writes synthetic OpenClaw transcripts: a session header, model and thinking-level changes,
 * then user turns, assistant replies with thinking, tool calls and tool results, in the JSONL
 * shape of the bundled sample. Tool results are where the bulk of real transcripts is.
 */
import type { Corpus } from './corpus.js';
import type { Random } from './random.js';

export interface TranscriptPlan {
  sessionId: string;
  /** UTF-8 size to reach; the text ends within a few hundred bytes of it. */
  bytes: number;
  /** Epoch milliseconds of the first line. */
  startedAt: number;
}

const MODEL = 'madrid-spain/openrouter/deepseek/deepseek-v3.2';
const TOOLS = ['exec', 'read', 'write', 'web_fetch', 'browser', 'message'];

/** Builds entries one after another, each pointing at the one before it. */
class EntryWriter {
  private parentId: string | null = null;
  private clock: number;

  constructor(
    private readonly random: Random,
    private readonly corpus: Corpus,
    startedAt: number,
  ) {
    this.clock = startedAt;
  }

  entry(type: string, fields: Record<string, unknown>): string {
    const id = this.shortId();
    this.clock += this.random.int(20, 90_000);
    const line = { type, id, parentId: this.parentId, timestamp: this.iso(), ...fields };
    this.parentId = id;
    return `${JSON.stringify(line)}\n`;
  }

  userTurn(textChars: number): string {
    const metadata = [
      'Conversation info (untrusted metadata):',
      '```json',
      JSON.stringify({ chat_id: 'telegram:1000000001', sender: 'Alex' }, null, 2),
      '```',
      '',
    ].join('\n');
    const text = metadata + this.corpus.slice(this.random, textChars);
    return this.message({ role: 'user', content: [{ type: 'text', text }] });
  }

  assistantReply(textChars: number): string {
    const content: unknown[] = [];
    if (this.random.next() < 0.6) {
      const thinking = this.corpus.slice(this.random, this.random.logScale(80, 3000));
      content.push({ type: 'thinking', thinking, thinkingSignature: 'reasoning_details' });
    }
    content.push({ type: 'text', text: this.corpus.slice(this.random, textChars) });
    return this.message({ role: 'assistant', content, ...this.modelFields() });
  }

  toolRound(outputChars: number): string {
    const callId = `call_${this.shortId()}${this.shortId()}`;
    const toolName = this.random.pick(TOOLS);
    const call = this.message({
      role: 'assistant',
      content: [{ type: 'toolCall', id: callId, name: toolName, arguments: this.toolArguments() }],
      ...this.modelFields(),
      stopReason: 'toolUse',
    });
    const result = this.message({
      role: 'toolResult',
      toolCallId: callId,
      toolName,
      content: [{ type: 'text', text: this.corpus.slice(this.random, outputChars) }],
      isError: this.random.next() < 0.05,
    });
    return call + result;
  }

  private message(message: Record<string, unknown>): string {
    return this.entry('message', { message: { ...message, timestamp: this.clock } });
  }

  private modelFields(): Record<string, unknown> {
    const input = this.random.int(200, 90_000);
    const output = this.random.int(10, 4000);
    return {
      api: 'openai-completions',
      provider: 'litellm',
      model: MODEL,
      usage: { input, output, cacheRead: 0, cacheWrite: 0, totalTokens: input + output },
      stopReason: 'stop',
    };
  }

  private toolArguments(): Record<string, unknown> {
    const path = `/root/.openclaw/workspace/${this.shortId()}.md`;
    return this.random.next() < 0.5 ? { command: `cat ${path} | head -n 200` } : { path };
  }

  private shortId(): string {
    return this.random.int(0, 0xffffffff).toString(16).padStart(8, '0');
  }

  iso(): string {
    return new Date(this.clock).toISOString();
  }
}

/** The whole transcript text; its UTF-8 size is at least `plan.bytes` minus one short line. */
export function transcriptText(plan: TranscriptPlan, random: Random, corpus: Corpus): string {
  const writer = new EntryWriter(random, corpus, plan.startedAt);
  const header = {
    type: 'session',
    version: 3,
    id: plan.sessionId,
    timestamp: writer.iso(),
    cwd: '/root/.openclaw/workspace',
  };
  const lines = [
    `${JSON.stringify(header)}\n`,
    writer.entry('model_change', { provider: 'litellm', modelId: MODEL }),
    writer.entry('thinking_level_change', { thinkingLevel: 'off' }),
  ];
  let written = lines.reduce((total, line) => total + Buffer.byteLength(line), 0);

  while (written < plan.bytes) {
    const left = plan.bytes - written;
    const line = nextTurn(writer, random, left);
    const size = Buffer.byteLength(line);
    if (size > left + 512 && written > 0) {
      // Too big for what is left: end on a short reply so the size stays near the plan.
      lines.push(writer.assistantReply(Math.max(20, Math.floor(left / 2))));
      break;
    }
    lines.push(line);
    written += size;
  }
  return lines.join('');
}

function nextTurn(writer: EntryWriter, random: Random, left: number): string {
  const roll = random.next();
  const cap = Math.max(100, left);
  if (roll < 0.2) return writer.userTurn(Math.min(cap, random.logScale(40, 2000)));
  if (roll < 0.45) return writer.assistantReply(Math.min(cap, random.logScale(60, 4000)));
  return writer.toolRound(Math.min(cap, random.logScale(200, 60_000)));
}

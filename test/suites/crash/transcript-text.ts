import type { SeededRandom } from './seeded-random.js';

// Multi-byte characters make byte counts and character counts differ, as in real chats.
const WORDS = [
  'the', 'agent', 'read', 'file', 'ok',
  'résumé', 'naïve', '日本語', '🙂', 'tool',
];
const POOL_WORDS = 20_000;

/**
 * Writes OpenClaw-like JSONL transcripts of chosen sizes. Message texts are cut at word
 * boundaries from one seeded pool of words, which is much faster than drawing every word.
 */
export class TranscriptWriter {
  private readonly pool: string;

  constructor(private readonly random: SeededRandom) {
    this.pool = Array.from({ length: POOL_WORDS }, () => random.pick(WORDS)).join(' ');
  }

  /**
   * A transcript of about `targetBytes` bytes of UTF-8 (over by at most a line). Below a
   * header's size it is one short JSON line. `marker` makes the text unique to its file.
   */
  transcript(sessionId: string, marker: string, targetBytes: number): string {
    if (targetBytes < 64) return `{"m":"${marker.slice(0, Math.max(1, targetBytes - 9))}"}\n`;

    const header = { type: 'session', version: 3, id: sessionId, marker, cwd: '/home/ada/work' };
    const lines = [`${JSON.stringify(header)}\n`];
    let bytes = Buffer.byteLength(lines[0] ?? '');

    for (let index = 0; bytes < targetBytes; index += 1) {
      const text = this.text(Math.min(targetBytes - bytes, this.random.int(40, 8_000)));
      const role = index % 2 === 0 ? 'user' : 'assistant';
      const line = { type: 'message', id: `m${index}`, message: { role, content: [{ text }] } };
      const encoded = `${JSON.stringify(line)}\n`;
      lines.push(encoded);
      bytes += Buffer.byteLength(encoded);
    }
    return lines.join('');
  }

  /** About `length` characters of the pool, from a random word on, ending at a word's end. */
  private text(length: number): string {
    const from = this.pool.indexOf(' ', this.random.int(0, this.pool.length - length - 100)) + 1;
    const to = this.pool.indexOf(' ', from + length);
    return this.pool.slice(from, to < 0 ? undefined : to);
  }
}

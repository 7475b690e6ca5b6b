import type { Random } from './random.js';

/**
 * Words that transcripts are made of: Spanish and English chat, shell output, code, and a few
 * characters outside Latin-1 (emoji, CJK), as real transcripts have. Those make V8 keep the
 * decoded text as two-byte strings, which is what the worker meets in practice.
 */
const WORDS = [
  'hola', 'gracias', 'puedes', 'enviar', 'mensaje', 'mañana', 'reunión', 'está', 'aquí',
  'también', 'niño', 'canción', 'please', 'check', 'the', 'logs', 'for', 'deployment', 'error',
  'status', 'running', 'container', 'restart', 'file', 'config', 'updated', 'sorry', 'retry',
  'const', 'await', 'function', 'return', 'import', 'export', '=>', '{', '}', '(', ')', ';',
  'npm', 'install', 'git', 'commit', '-m', '"fix"', 'drwxr-xr-x', 'root', '4096', 'Dec', '3',
  '13:11', '/root/.openclaw/workspace', 'src/index.ts', 'README.md', 'OK', 'FAIL', '200', '404',
  '✅', '⚠️', '🚀', '😊', '—', '“quoted”',
  '日本語', 'über', 'façade', 'naïve', '€', '½',
  'telegram', 'webchat', 'Alex', 'Jordan', 'schedule', 'calendar', 'invoice', 'payment',
  'tab\there', 'line\nbreak', 'back\\slash', '<div>', '</div>', '&amp;', '{"k": "v"}',
];

/** A long run of words to slice message texts from, built once per generator. */
export class Corpus {
  private readonly text: string;

  constructor(random: Random, chars = 2 * 1024 * 1024) {
    const words: string[] = [];
    let length = 0;
    while (length < chars) {
      const word = random.pick(WORDS);
      words.push(word);
      length += word.length + 1;
    }
    this.text = words.join(' ');
  }

  /** About `chars` characters starting at a word boundary; never splits a surrogate pair. */
  slice(random: Random, chars: number): string {
    const wanted = Math.min(chars, this.text.length - 1);
    const start = this.text.indexOf(' ', random.int(0, this.text.length - wanted - 1)) + 1;
    const end = this.text.indexOf(' ', start + wanted);
    return this.text.slice(start, end === -1 ? this.text.length : end);
  }
}

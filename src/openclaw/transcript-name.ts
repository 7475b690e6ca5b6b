/**
 * What a file in an OpenClaw sessions folder is, judged by its whole name.
 *
 * A `*.jsonl` glob also matches checkpoint and trajectory files, and the first
 * 36 characters are only a session id when the name starts with one, so the
 * name is taken apart from its end: OpenClaw's own suffixes first (lock, temp,
 * backup), then the archive suffix, then what is left of the transcript name.
 */

/** The names that hold a transcript: live, a thread of a session, or archived. */
export type TranscriptKind = 'transcript' | 'topic' | 'reset' | 'deleted';

/** Files OpenClaw owns that are never uploaded or moved. */
export type IgnoredKind =
  | 'checkpoint'
  | 'trajectory'
  | 'lock'
  | 'session-store'
  | 'temp'
  | 'backup'
  | 'message-cache'
  | 'unknown';

export interface TranscriptName {
  kind: TranscriptKind;
  /** The UUID at the start of the name, with its case kept. */
  sessionId: string;
  /** The thread part of `<id>-topic-<topic>`, as written (OpenClaw URI-encodes it). */
  topic: string | undefined;
  /** The `<ts>` of a reset or deleted archive as written, e.g. `2026-06-03T22-45-31.372Z`. */
  archivedAt: string | undefined;
  /** A zstd-compressed archive (`….zst`): decompress before uploading. */
  compressed: boolean;
}

/** Shaped like a transcript, but what should be the session id is not a UUID. */
export interface NoSessionIdName {
  kind: 'no-session-id';
  looksLike: TranscriptKind;
  reason: string;
}

export interface IgnoredName {
  kind: IgnoredKind;
  reason: string;
}

export type NameClass = TranscriptName | NoSessionIdName | IgnoredName;

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// OpenClaw writes the archive time as an ISO time with `:` replaced by `-`.
const ARCHIVE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d{3})?Z$/;

const ARCHIVE_NAME = /^(?<file>.+\.jsonl)\.(?<archive>reset|deleted)\.(?<time>.+?)(?<zst>\.zst)?$/;

const TOPIC_STEM = /^(?<id>.*?)-topic-(?<topic>.+)$/;

interface IgnoreRule {
  kind: IgnoredKind;
  matches: (name: string) => boolean;
  reason: (name: string) => string;
}

// Checked in order, before any transcript pattern: `<id>.jsonl.tmp` is a temp file and
// `<id>.jsonl.reset.<ts>.lock` is a lock, even though both start like a transcript.
const IGNORE_RULES: IgnoreRule[] = [
  {
    kind: 'session-store',
    matches: (name) => name === 'sessions.json',
    reason: () => 'the session store, read to find active transcripts',
  },
  {
    kind: 'lock',
    matches: (name) => name.endsWith('.lock'),
    reason: (name) => `lock file: a writer holds ${name.slice(0, -'.lock'.length)}`,
  },
  {
    kind: 'temp',
    matches: (name) => name.endsWith('.tmp'),
    reason: () => 'temporary file that OpenClaw writes before renaming it',
  },
  {
    kind: 'backup',
    matches: (name) => /\.bak(?:[.-]|$)/.test(name),
    reason: () => "OpenClaw's backup copy",
  },
  {
    kind: 'message-cache',
    matches: (name) => name.startsWith('sessions.json.') && name.endsWith('.json'),
    reason: () => 'channel message cache',
  },
  {
    kind: 'trajectory',
    matches: (name) => name.endsWith('.trajectory-path.json'),
    reason: () => 'trajectory pointer sidecar, not a transcript',
  },
];

function ignored(kind: IgnoredKind, reason: string): IgnoredName {
  return { kind, reason };
}

/** Classifies one directory entry of a sessions folder by its whole name. */
export function classifyName(name: string): NameClass {
  const rule = IGNORE_RULES.find((candidate) => candidate.matches(name));
  if (rule) return ignored(rule.kind, rule.reason(name));

  const archive = ARCHIVE_NAME.exec(name)?.groups;
  if (archive) return classifyArchive(archive);

  if (!name.endsWith('.jsonl')) return ignored('unknown', 'not an OpenClaw transcript name');
  return classifyStem(name.slice(0, -'.jsonl'.length), undefined, false);
}

function classifyArchive(groups: Record<string, string | undefined>): NameClass {
  const file = groups.file ?? '';
  const time = groups.time ?? '';
  const kind = groups.archive === 'reset' ? 'reset' : 'deleted';

  if (!ARCHIVE_TIME.test(time)) {
    return ignored(
      'unknown',
      `looks like a ${kind} archive, but "${time}" is not an archive time (YYYY-MM-DDTHH-MM-SSZ)`,
    );
  }

  const stemClass = classifyStem(file.slice(0, -'.jsonl'.length), time, groups.zst !== undefined);
  if (stemClass.kind === 'transcript' || stemClass.kind === 'topic') {
    return { ...stemClass, kind };
  }
  if (stemClass.kind === 'no-session-id') return { ...stemClass, looksLike: kind };
  return stemClass;
}

/** `stem` is the name without `.jsonl` and without any archive suffix. */
function classifyStem(
  stem: string,
  archivedAt: string | undefined,
  compressed: boolean,
): NameClass {
  if (stem.includes('.checkpoint.')) {
    return ignored('checkpoint', 'copy taken before compaction; OpenClaw keeps it');
  }
  if (stem.endsWith('.trajectory')) {
    return ignored('trajectory', 'trajectory sidecar, not a transcript');
  }

  const topicParts = TOPIC_STEM.exec(stem)?.groups;
  const sessionId = topicParts?.id ?? stem;
  const topic = topicParts?.topic;
  const kind = topic === undefined ? 'transcript' : 'topic';

  if (!SESSION_ID.test(sessionId)) {
    return {
      kind: 'no-session-id',
      looksLike: kind,
      reason: `"${sessionId}" is not a session id (UUID), so this is not OpenClaw's; left alone`,
    };
  }
  return { kind, sessionId, topic, archivedAt, compressed };
}

export function isTranscriptName(nameClass: NameClass): nameClass is TranscriptName {
  return 'sessionId' in nameClass;
}

/** Reset and deleted archives are complete: OpenClaw renamed them and writes no more. */
export function isArchive(kind: TranscriptKind): boolean {
  return kind === 'reset' || kind === 'deleted';
}

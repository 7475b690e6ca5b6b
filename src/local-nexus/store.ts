/**
 * The local Nexus server's storage: one SQLite file, `nexus.sqlite`, in a data folder.
 * Session transcripts are kept per (agentId, sessionId, sha256), so a new version of a known
 * session is added beside the old one; webhook items are marked deleted rather than removed,
 * so a person can still see what was delivered.
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';

export const DATABASE_FILE_NAME = 'nexus.sqlite';

/** What the server knows about one stored transcript version, without its text. */
export interface StoredSession {
  agentId: string;
  sessionId: string;
  fileName: string | null;
  sha256: string;
  bytes: number;
  storedAt: string;
  /** 1 for the first transcript of a session, counting up for each different one. */
  version: number;
}

export interface StoredSessionVersion extends StoredSession {
  transcript: string;
}

export interface NewSession {
  agentId: string;
  sessionId: string;
  transcript: string;
  fileName: string | null;
  /** Lower-case hex SHA-256 of the transcript's UTF-8 bytes, computed by the caller. */
  sha256: string;
  bytes: number;
  storedAt: string;
}

/** `duplicate` means the same content was already stored; `session` is that earlier version. */
export type SaveSessionOutcome =
  | { kind: 'stored'; session: StoredSession }
  | { kind: 'duplicate'; session: StoredSession };

export interface WebhookItem {
  id: string;
  source: string;
  receivedAt: string;
  payload: unknown;
}

export interface NewWebhookItem extends WebhookItem {
  agentId: string;
}

interface WebhookItemRow {
  id: string;
  source: string;
  receivedAt: string;
  payload: string;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sessions (
    agentId TEXT NOT NULL,
    sessionId TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    version INTEGER NOT NULL,
    fileName TEXT,
    bytes INTEGER NOT NULL,
    storedAt TEXT NOT NULL,
    transcript TEXT NOT NULL,
    PRIMARY KEY (agentId, sessionId, sha256),
    UNIQUE (agentId, sessionId, version)
  );
  CREATE TABLE IF NOT EXISTS webhook_items (
    id TEXT PRIMARY KEY,
    agentId TEXT NOT NULL,
    source TEXT NOT NULL,
    receivedAt TEXT NOT NULL,
    payload TEXT NOT NULL,
    deletedAt TEXT
  );
  CREATE INDEX IF NOT EXISTS webhook_items_by_agent ON webhook_items (agentId, receivedAt);
`;

const SESSION_COLUMNS = 'agentId, sessionId, fileName, sha256, bytes, storedAt, version';

export class NexusStore {
  readonly databasePath: string;
  private readonly db: Database.Database;

  private constructor(databasePath: string) {
    this.databasePath = databasePath;
    this.db = new Database(databasePath);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  /**
   * Opens (creating if needed) `nexus.sqlite` in `dataDir`, creating the folder too. A new folder
   * is owner-only: it holds transcripts.
   */
  static open(dataDir: string): NexusStore {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    return new NexusStore(join(dataDir, DATABASE_FILE_NAME));
  }

  saveSession(session: NewSession): SaveSessionOutcome {
    const save = this.db.transaction((): SaveSessionOutcome => {
      const existing = this.db
        .prepare(`SELECT ${SESSION_COLUMNS} FROM sessions
          WHERE agentId = ? AND sessionId = ? AND sha256 = ?`)
        .get(session.agentId, session.sessionId, session.sha256) as StoredSession | undefined;
      if (existing) return { kind: 'duplicate', session: existing };

      const { latest } = this.db
        .prepare('SELECT MAX(version) AS latest FROM sessions WHERE agentId = ? AND sessionId = ?')
        .get(session.agentId, session.sessionId) as { latest: number | null };
      const stored: StoredSession = {
        agentId: session.agentId,
        sessionId: session.sessionId,
        fileName: session.fileName,
        sha256: session.sha256,
        bytes: session.bytes,
        storedAt: session.storedAt,
        version: (latest ?? 0) + 1,
      };

      this.db
        .prepare(`INSERT INTO sessions (${SESSION_COLUMNS}, transcript)
          VALUES (@agentId, @sessionId, @fileName, @sha256, @bytes, @storedAt, @version,
            @transcript)`)
        .run({ ...stored, transcript: session.transcript });
      return { kind: 'stored', session: stored };
    });
    return save.immediate();
  }

  /** Metadata of every stored version, oldest first; of one agent when `agentId` is given. */
  listSessions(agentId?: string): StoredSession[] {
    if (agentId === undefined) {
      return this.db
        .prepare(`SELECT ${SESSION_COLUMNS} FROM sessions ORDER BY storedAt, rowid`)
        .all() as StoredSession[];
    }
    return this.db
      .prepare(`SELECT ${SESSION_COLUMNS} FROM sessions
        WHERE agentId = ? ORDER BY storedAt, rowid`)
      .all(agentId) as StoredSession[];
  }

  /** Every stored version of one session with its transcript, by version; empty if none. */
  sessionVersions(agentId: string, sessionId: string): StoredSessionVersion[] {
    return this.db
      .prepare(`SELECT ${SESSION_COLUMNS}, transcript FROM sessions
        WHERE agentId = ? AND sessionId = ? ORDER BY version`)
      .all(agentId, sessionId) as StoredSessionVersion[];
  }

  /** Adds an item; false when an item with this id exists already (deleted or not). */
  addWebhookItem(item: NewWebhookItem): boolean {
    // undefined has no JSON text; it is kept as null, the closest JSON value.
    const payload = JSON.stringify(item.payload ?? null);
    const result = this.db
      .prepare(`INSERT INTO webhook_items (id, agentId, source, receivedAt, payload)
        VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`)
      .run(item.id, item.agentId, item.source, item.receivedAt, payload);
    return result.changes === 1;
  }

  /** The agent's items not yet deleted, in the order they were received. */
  pendingWebhookItems(agentId: string): WebhookItem[] {
    const rows = this.db
      .prepare(`SELECT id, source, receivedAt, payload FROM webhook_items
        WHERE agentId = ? AND deletedAt IS NULL ORDER BY receivedAt, rowid`)
      .all(agentId) as WebhookItemRow[];
    return rows.map((row) => ({ ...row, payload: JSON.parse(row.payload) as unknown }));
  }

  /** Marks items deleted and answers how many were pending before; unknown ids are skipped. */
  deleteWebhookItems(ids: readonly string[], deletedAt: string): number {
    const markDeleted = this.db.prepare(
      'UPDATE webhook_items SET deletedAt = ? WHERE id = ? AND deletedAt IS NULL',
    );
    const deleteAll = this.db.transaction((): number => {
      let deleted = 0;
      for (const id of ids) deleted += markDeleted.run(deletedAt, id).changes;
      return deleted;
    });
    return deleteAll();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

import {
  closeSync,
  fdatasync as fdatasyncCb,
  fsync as fsyncCb,
  fsyncSync,
  mkdirSync,
  openSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { planAck } from '../core/cursor.ts';
import { Arrivals } from './arrivals.ts';
import { GroupCommit } from './group-commit.ts';
import type {
  AckOutcome,
  PostInput,
  PostOutcome,
  RelayStore,
  StoredAnnouncement,
  StoredMessage,
} from './types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  sender TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  recipients TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  envelope BLOB NOT NULL,
  UNIQUE (sender, msg_id)
);
CREATE TABLE IF NOT EXISTS deliveries (
  inbox TEXT NOT NULL,
  seq INTEGER NOT NULL REFERENCES messages(seq),
  PRIMARY KEY (inbox, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cursors (
  inbox TEXT PRIMARY KEY,
  cursor INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS compat_log (
  idx INTEGER PRIMARY KEY AUTOINCREMENT,
  body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS compat_readers (
  reader TEXT PRIMARY KEY,
  last INTEGER NOT NULL
) WITHOUT ROWID;
-- Added with chain membership: a file made before gets it at its next open (IF NOT EXISTS).
CREATE TABLE IF NOT EXISTS announcements (
  party TEXT NOT NULL,
  registered_key TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  envelope BLOB NOT NULL,
  PRIMARY KEY (party, registered_key)
) WITHOUT ROWID;
`;

/** By default, checkpoint after about this many bytes went to the WAL. */
const CHECKPOINT_BYTES = 8 * 1024 * 1024;

export type SqliteStoreOptions = { checkpointBytes?: number };

type Row = { seq: number; msg_id: string; sender: string; received_at: number; envelope: Buffer };

/**
 * The embedded store: one SQLite file in WAL mode. Writes go through group commit, and a write
 * is acknowledged only after the WAL file holding it was fsynced (see GroupCommit). The file is
 * opened with an exclusive lock: one relay process per file (run JetStream for several relays).
 * ':memory:' (tests only) has no WAL to fsync.
 */
export class SqliteStore implements RelayStore {
  readonly name: string;
  readonly #db: Database.Database;
  readonly #writer: GroupCommit;
  readonly #arrivals = new Arrivals();
  #touched = new Set<string>();
  /** Highest message seq known fsynced: readers see only those. */
  #durableSeq = 0;
  readonly #stmt;
  readonly #walFd: number | undefined;
  readonly #dbFd: number | undefined;
  /** Approximate bytes written to the WAL since the last checkpoint. */
  #walBytes = 0;

  constructor(file: string, opts: SqliteStoreOptions = {}) {
    const checkpointBytes = opts.checkpointBytes ?? CHECKPOINT_BYTES;
    const onDisk = file !== ':memory:';
    if (onDisk) mkdirSync(dirname(file), { recursive: true });
    this.name = 'sqlite';
    this.#db = new Database(file);
    this.#db.pragma('locking_mode = EXCLUSIVE');
    this.#db.pragma('journal_mode = WAL');
    // COMMIT writes the WAL without fsync; GroupCommit fsyncs it before acknowledging.
    this.#db.pragma('synchronous = NORMAL');
    // Checkpoints are ours (below): SQLite's automatic ones would fsync on the event loop.
    this.#db.pragma('wal_autocheckpoint = 0');
    this.#db.pragma('foreign_keys = ON');
    this.#db.exec(SCHEMA);
    if (onDisk) {
      // The WAL exists once something was written; make it and its directory entry durable.
      this.#db.exec(
        'BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS relay_meta (k TEXT PRIMARY KEY, v TEXT); COMMIT',
      );
      this.#walFd = openSync(`${file}-wal`, 'r');
      fsyncSync(this.#walFd);
      this.#dbFd = openSync(file, 'r');
      const dirFd = openSync(dirname(file), 'r');
      fsyncSync(dirFd);
      closeSync(dirFd);
    }
    const db = this.#db;
    this.#stmt = {
      findPost: db.prepare<[string, string], { digest: string; recipients: string }>(
        'SELECT digest, recipients FROM messages WHERE sender = ? AND msg_id = ?',
      ),
      insertMessage: db.prepare(
        'INSERT INTO messages (sender, msg_id, digest, recipients, received_at, envelope) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertDelivery: db.prepare('INSERT INTO deliveries (inbox, seq) VALUES (?, ?)'),
      read: db.prepare<[string, number, number, number], Row>(
        `SELECT m.seq, m.msg_id, m.sender, m.received_at, m.envelope
         FROM deliveries d JOIN messages m ON m.seq = d.seq
         WHERE d.inbox = ? AND d.seq > ? AND d.seq <= ? ORDER BY d.seq LIMIT ?`,
      ),
      cursor: db.prepare<[string], { cursor: number }>(
        'SELECT cursor FROM cursors WHERE inbox = ?',
      ),
      head: db.prepare<[string], { head: number | null }>(
        'SELECT max(seq) AS head FROM deliveries WHERE inbox = ?',
      ),
      setCursor: db.prepare(
        `INSERT INTO cursors (inbox, cursor) VALUES (?, ?)
         ON CONFLICT (inbox) DO UPDATE SET cursor = max(cursor, excluded.cursor)`,
      ),
      depth: db.prepare<[string, number], { n: number }>(
        'SELECT count(*) AS n FROM deliveries WHERE inbox = ? AND seq > ?',
      ),
      compatAppend: db.prepare('INSERT INTO compat_log (body) VALUES (?)'),
      compatLast: db.prepare<[string], { last: number }>(
        'SELECT last FROM compat_readers WHERE reader = ?',
      ),
      compatNext: db.prepare<[number], { idx: number; body: Buffer }>(
        'SELECT idx, body FROM compat_log WHERE idx > ? ORDER BY idx LIMIT 1',
      ),
      saveAnnouncement: db.prepare(
        `INSERT INTO announcements (party, registered_key, sequence, envelope) VALUES (?, ?, ?, ?)
         ON CONFLICT (party, registered_key) DO UPDATE
         SET sequence = excluded.sequence, envelope = excluded.envelope
         WHERE excluded.sequence > announcements.sequence`,
      ),
      announcements: db.prepare<
        [],
        { party: string; registered_key: string; sequence: number; envelope: Buffer }
      >('SELECT party, registered_key, sequence, envelope FROM announcements ORDER BY sequence'),
      compatSet: db.prepare(
        'INSERT INTO compat_readers (reader, last) VALUES (?, ?) ON CONFLICT (reader) DO UPDATE SET last = excluded.last',
      ),
    };
    const walFd = this.#walFd;
    const fsyncFd = promisify(fsyncCb);
    // fdatasync for the WAL, as SQLite itself does: it flushes the data and whatever metadata is
    // needed to read it back (the size when the file grew), skipping timestamps.
    const fdatasyncFd = promisify(fdatasyncCb);
    // Read from the table (not tracked by the post op) so a failed COMMIT cannot leave a seq
    // counted as committed; the sync callback runs outside any transaction.
    const maxSeq = this.#db.prepare<[], { seq: number | null }>(
      'SELECT max(seq) AS seq FROM messages',
    );
    this.#durableSeq = maxSeq.get()?.seq ?? 0;
    const dbFd = this.#dbFd;
    const maintenance = (): Promise<void> | undefined => {
      if (this.#walBytes < checkpointBytes) return undefined;
      this.#walBytes = 0;
      // Copy the WAL into the database without SQLite's fsyncs (synchronous=OFF for this one
      // statement; the WAL frames are already fsynced), then fsync the database file off the
      // event loop. Commits are paused until then: the next write transaction rewrites the WAL
      // from its start, which is safe only once the database file holds its pages durably.
      this.#db.pragma('synchronous = OFF');
      try {
        this.#db.pragma('wal_checkpoint(PASSIVE)');
      } finally {
        this.#db.pragma('synchronous = NORMAL');
      }
      return dbFd === undefined ? Promise.resolve() : fsyncFd(dbFd);
    };
    this.#writer = new GroupCommit(
      this.#db,
      async () => {
        // Everything committed so far is covered by this fsync: note it before starting.
        const upto = maxSeq.get()?.seq ?? 0;
        const touched = this.#touched;
        this.#touched = new Set();
        if (walFd !== undefined) await fdatasyncFd(walFd);
        // Overlapping fsyncs may finish out of order; each covers everything before its start.
        this.#durableSeq = Math.max(this.#durableSeq, upto);
        for (const inbox of touched) this.#arrivals.emit(inbox);
      },
      { maintenance },
    );
  }

  post(input: PostInput): Promise<PostOutcome> {
    return this.#writer.submit((): PostOutcome => {
      const s = this.#stmt;
      const prior = s.findPost.get(input.sender, input.id);
      if (prior) {
        if (prior.digest !== input.digest) return { kind: 'conflict' };
        return { kind: 'duplicate', recipients: JSON.parse(prior.recipients) as string[] };
      }
      const recipients = [...input.recipients];
      const { lastInsertRowid } = s.insertMessage.run(
        input.sender,
        input.id,
        input.digest,
        JSON.stringify(recipients),
        input.receivedAt,
        input.envelope,
      );
      for (const inbox of recipients) {
        s.insertDelivery.run(inbox, lastInsertRowid);
        this.#touched.add(inbox);
      }
      this.#walBytes += input.envelope.length + 256 * (recipients.length + 1);
      return { kind: 'stored', recipients };
    });
  }

  async read(inbox: string, after: number, limit: number): Promise<StoredMessage[]> {
    return this.#stmt.read.all(inbox, after, this.#durableSeq, limit).map((r) => ({
      seq: r.seq,
      id: r.msg_id,
      from: r.sender,
      receivedAt: r.received_at,
      envelope: new Uint8Array(r.envelope.buffer, r.envelope.byteOffset, r.envelope.byteLength),
    }));
  }

  async cursor(inbox: string): Promise<number> {
    return this.#stmt.cursor.get(inbox)?.cursor ?? 0;
  }

  ack(inbox: string, cursor: number): Promise<AckOutcome> {
    return this.#writer.submit((): AckOutcome => {
      const current = this.#stmt.cursor.get(inbox)?.cursor ?? 0;
      const plan = planAck(current, cursor, this.#stmt.head.get(inbox)?.head ?? 0);
      if (plan.kind === 'ahead') return plan;
      if (plan.kind === 'advance') this.#stmt.setCursor.run(inbox, plan.cursor);
      return { kind: 'ok', cursor: plan.cursor };
    });
  }

  async depth(inbox: string): Promise<number> {
    const cursor = this.#stmt.cursor.get(inbox)?.cursor ?? 0;
    return this.#stmt.depth.get(inbox, cursor)?.n ?? 0;
  }

  onArrival(inbox: string, listener: () => void): () => void {
    return this.#arrivals.on(inbox, listener);
  }

  compatAppend(body: Uint8Array): Promise<void> {
    return this.#writer.submit(() => {
      this.#stmt.compatAppend.run(body);
    });
  }

  compatNext(reader: string): Promise<Uint8Array | undefined> {
    return this.#writer.submit(() => {
      const last = this.#stmt.compatLast.get(reader)?.last ?? 0;
      const next = this.#stmt.compatNext.get(last);
      if (!next) return undefined;
      this.#stmt.compatSet.run(reader, next.idx);
      return new Uint8Array(next.body.buffer, next.body.byteOffset, next.body.byteLength);
    });
  }

  saveAnnouncement(a: StoredAnnouncement): Promise<void> {
    return this.#writer.submit(() => {
      this.#stmt.saveAnnouncement.run(a.party, a.registeredKey, a.sequence, a.envelope);
    });
  }

  async announcements(): Promise<StoredAnnouncement[]> {
    return this.#stmt.announcements.all().map((r) => ({
      party: r.party,
      registeredKey: r.registered_key,
      sequence: r.sequence,
      envelope: new Uint8Array(r.envelope.buffer, r.envelope.byteOffset, r.envelope.byteLength),
    }));
  }

  async ping(): Promise<void> {
    this.#db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.#writer.drain();
    this.#db.close();
    if (this.#walFd !== undefined) closeSync(this.#walFd);
    if (this.#dbFd !== undefined) closeSync(this.#dbFd);
  }
}

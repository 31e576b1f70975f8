import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import {
  bytesToHex,
  concatBytes,
  hexToBytes,
  randomBytes,
  utf8ToBytes,
} from '@noble/hashes/utils.js';
import type { MessageId, Recipients } from '@peg/wire';
import type Database from 'better-sqlite3';
import { stateKeyId } from '../keystore/state-key-id.ts';
import { canonicalRecipients, messageIdFor } from '../relay/message-id.ts';
import { StateStoreError } from './errors.ts';
import { MIGRATIONS } from './migrations.ts';
import { isBusy, openSqliteFile, STORE_MODE } from './records-db.ts';

const STATE_AAD_TAG = utf8ToBytes('peg/runtime/state/v1');
const MAX_INPUT_ID = 256;

export { STORE_MODE };

/** A message the step wants posted: recipients and the sealed envelope's exact bytes. */
export type OutboxItem = { to: Recipients; envelope: Uint8Array };

/** An outbox row not yet marked sent. `id` is the relay message id (messageIdFor). */
export type PendingMessage = { seq: number; id: MessageId; to: Recipients; envelope: Uint8Array };

/** One machine step's durable result, written in one transaction. */
export type StepCommit<S> = {
  /** The machine's state after the step (plain JSON). */
  state: S;
  /** Every armed timer after the step, id -> due time (ms): replaces the stored set. */
  timers: Readonly<Record<string, number>>;
  /** Messages to post after the commit (deduplicated by message id). */
  outbox: readonly OutboxItem[];
  /** The input this step consumed (relay message, timer, policy answer); recorded as processed. */
  inputId?: string;
};

/** What a restarted process resumes from. */
export type LoadedState<S> = {
  /** The last committed state, or undefined before the first commit. */
  state: S | undefined;
  /** Number of committed steps (0 before the first). */
  version: number;
  /** When the last step was committed (unix ms; undefined before the first). */
  updatedAt: number | undefined;
  /** Timers to re-arm (overdue ones fire at once). */
  timers: Record<string, number>;
  /** Messages committed but not yet marked sent, in commit order: post them again. */
  outbox: PendingMessage[];
};

export type CommitResult =
  | { duplicate: false; version: number; outbox: PendingMessage[] }
  /** The input was already processed: nothing was written. */
  | { duplicate: true; version: number; outbox: [] };

export type StateStoreOptions = {
  /** The keystore's 32-byte state key; the store keeps a copy. */
  stateKey: Uint8Array;
  /** Clock, unix ms (tests pass a fake one). */
  now?: () => number;
};

type OutboxRow = { seq: number; message_id: string; recipients: string; envelope: Buffer };

function parseRecipients(stored: string): Recipients {
  return stored === 'all' ? 'all' : stored.split(',');
}

function toPending(r: OutboxRow): PendingMessage {
  return {
    seq: r.seq,
    id: r.message_id,
    to: parseRecipients(r.recipients),
    envelope: new Uint8Array(r.envelope),
  };
}

function u64be(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n));
  return b;
}

/**
 * A process's durable machine state in one SQLite file (WAL, synchronous=FULL, exclusive lock:
 * one process per file). Each machine step is one transaction holding the new state (encrypted),
 * the armed timers, the outgoing messages and the id of the input consumed, so a crash leaves
 * the previous step or the next one, never half of one. See docs/runtime.md.
 */
export class StateStore {
  readonly #db: Database.Database;
  readonly #key: Uint8Array;
  readonly #storeId: Uint8Array;
  readonly #now: () => number;
  readonly path: string;

  private constructor(
    path: string,
    db: Database.Database,
    key: Uint8Array,
    storeId: Uint8Array,
    now: () => number,
  ) {
    this.path = path;
    this.#db = db;
    this.#key = key;
    this.#storeId = storeId;
    this.#now = now;
  }

  /** Opens (creating and migrating if needed) the store; refuses another key's or a locked file. */
  static open(path: string, opts: StateStoreOptions): StateStore {
    if (!(opts.stateKey instanceof Uint8Array) || opts.stateKey.length !== 32) {
      throw new StateStoreError('invalid-argument', 'state key must be 32 bytes');
    }
    const key = opts.stateKey.slice();
    const now = opts.now ?? Date.now;
    const db = openSqliteFile(path, MIGRATIONS, 'state store');
    try {
      const keyId = stateKeyId(key);
      let storeId: Uint8Array | undefined;
      // A write at open takes the exclusive lock now (and holds it until close).
      db.transaction(() => {
        const meta = db.prepare('SELECT key, value FROM meta').all() as {
          key: string;
          value: string;
        }[];
        const get = (k: string) => meta.find((m) => m.key === k)?.value;
        const storedKeyId = get('state_key_id');
        if (storedKeyId !== undefined && storedKeyId !== keyId) {
          throw new StateStoreError(
            'wrong-key',
            `state store ${path} is encrypted with state key ${storedKeyId}, not ${keyId} (another keystore?)`,
          );
        }
        const id = get('store_id') ?? bytesToHex(randomBytes(16));
        const put = db.prepare(
          'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        );
        put.run('state_key_id', keyId);
        put.run('store_id', id);
        put.run('opened_at', String(now()));
        storeId = hexToBytes(id);
      }).immediate();
      return new StateStore(path, db, key, storeId!, now);
    } catch (err) {
      db.close();
      if (isBusy(err))
        throw new StateStoreError('locked', `state store ${path} is in use by another process`);
      throw err;
    }
  }

  // The associated data binds a ciphertext to this store, this row and this version: a row
  // copied from another store or from an older version does not decrypt.
  #aad(version: number): Uint8Array {
    return concatBytes(
      STATE_AAD_TAG,
      this.#storeId,
      utf8ToBytes('machine_state/1'),
      u64be(version),
    );
  }

  /** The last committed state, timers and unsent messages. */
  load<S>(): LoadedState<S> {
    const row = this.#db
      .prepare('SELECT version, nonce, ciphertext, updated_at FROM machine_state WHERE id = 1')
      .get() as
      | { version: number; nonce: Buffer; ciphertext: Buffer; updated_at: number }
      | undefined;
    let state: S | undefined;
    if (row) {
      let plain: Uint8Array;
      try {
        plain = xchacha20poly1305(this.#key, row.nonce, this.#aad(row.version)).decrypt(
          row.ciphertext,
        );
      } catch {
        throw new StateStoreError(
          'tampered',
          `state store ${this.path}: the machine state (version ${row.version}) fails authentication (corrupt or modified)`,
        );
      }
      state = JSON.parse(new TextDecoder().decode(plain)) as S;
      plain.fill(0);
    }
    return {
      state,
      version: row?.version ?? 0,
      updatedAt: row?.updated_at,
      timers: this.timers(),
      outbox: this.pendingOutbox(),
    };
  }

  /** The armed timers, id -> due time (ms). */
  timers(): Record<string, number> {
    const rows = this.#db.prepare('SELECT id, at FROM timers ORDER BY at, id').all() as {
      id: string;
      at: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.id, r.at]));
  }

  /** Committed messages not yet marked sent, in commit order. */
  pendingOutbox(): PendingMessage[] {
    const rows = this.#db
      .prepare(
        'SELECT seq, message_id, recipients, envelope FROM outbox WHERE sent_at IS NULL ORDER BY seq',
      )
      .all() as OutboxRow[];
    return rows.map(toPending);
  }

  /** Whether a step consuming this input was committed (at-least-once delivery: skip it). */
  isProcessed(inputId: string): boolean {
    return (
      this.#db.prepare('SELECT 1 FROM processed_inputs WHERE input_id = ?').get(inputId) !==
      undefined
    );
  }

  /**
   * Commits one step: state, timers, outbox and the consumed input id, in one transaction. An
   * input already processed writes nothing and answers `duplicate: true`. Bad arguments are
   * refused before anything is written.
   */
  commitStep<S>(step: StepCommit<S>): CommitResult {
    const json = JSON.stringify(step.state);
    if (json === undefined)
      throw new StateStoreError('invalid-argument', 'state is not JSON-serializable');
    const timers = Object.entries(step.timers);
    for (const [id, at] of timers) {
      if (id === '' || !Number.isSafeInteger(at) || at < 0) {
        throw new StateStoreError(
          'invalid-argument',
          `timer ${JSON.stringify(id)}: due time must be a non-negative integer (ms)`,
        );
      }
    }
    const outbox = step.outbox.map((m) => {
      if (!(m.envelope instanceof Uint8Array) || m.envelope.length === 0) {
        throw new StateStoreError('invalid-argument', 'outbox envelope must be non-empty bytes');
      }
      if (m.to !== 'all' && (!Array.isArray(m.to) || m.to.length === 0)) {
        throw new StateStoreError(
          'invalid-argument',
          'outbox recipients must be "all" or a non-empty list',
        );
      }
      return {
        id: messageIdFor(m.to, m.envelope),
        to: canonicalRecipients(m.to),
        envelope: m.envelope,
      };
    });
    const inputId = step.inputId;
    if (inputId !== undefined && (inputId === '' || inputId.length > MAX_INPUT_ID)) {
      throw new StateStoreError(
        'invalid-argument',
        `input id must be 1-${MAX_INPUT_ID} characters`,
      );
    }
    const plain = utf8ToBytes(json);
    const now = this.#now();

    try {
      return this.#db
        .transaction((): CommitResult => {
          const current =
            (this.#db.prepare('SELECT version FROM machine_state WHERE id = 1').pluck().get() as
              | number
              | undefined) ?? 0;
          if (inputId !== undefined && this.isProcessed(inputId)) {
            return { duplicate: true, version: current, outbox: [] };
          }
          const version = current + 1;
          const nonce = randomBytes(24);
          const ciphertext = xchacha20poly1305(this.#key, nonce, this.#aad(version)).encrypt(plain);
          this.#db
            .prepare(
              `INSERT INTO machine_state (id, version, nonce, ciphertext, updated_at) VALUES (1, ?, ?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET version = excluded.version, nonce = excluded.nonce,
               ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
            )
            .run(version, nonce, ciphertext, now);
          this.#db.prepare('DELETE FROM timers').run();
          const insertTimer = this.#db.prepare('INSERT INTO timers (id, at) VALUES (?, ?)');
          for (const [id, at] of timers) insertTimer.run(id, at);
          const insertOutbox = this.#db.prepare(
            `INSERT INTO outbox (message_id, recipients, envelope, step_version) VALUES (?, ?, ?, ?)
           ON CONFLICT (message_id) DO NOTHING RETURNING seq, message_id, recipients, envelope`,
          );
          const pending: PendingMessage[] = [];
          for (const m of outbox) {
            const row = insertOutbox.get(m.id, m.to, m.envelope, version) as OutboxRow | undefined;
            if (row) pending.push(toPending(row));
          }
          if (inputId !== undefined) {
            this.#db
              .prepare(
                'INSERT INTO processed_inputs (input_id, step_version, processed_at) VALUES (?, ?, ?)',
              )
              .run(inputId, version, now);
          }
          return { duplicate: false, version, outbox: pending };
        })
        .immediate();
    } finally {
      plain.fill(0);
    }
  }

  /**
   * Records that the relay acknowledged a message. Written without its own fsync
   * (`synchronous=NORMAL` for this one transaction; the next step's commit syncs it): losing it
   * in a crash only means the message is posted again, which the relay answers as a duplicate.
   */
  markSent(messageId: MessageId): boolean {
    this.#db.pragma('synchronous = NORMAL');
    try {
      const r = this.#db
        .prepare('UPDATE outbox SET sent_at = ? WHERE message_id = ? AND sent_at IS NULL')
        .run(this.#now(), messageId);
      return r.changes === 1;
    } finally {
      this.#db.pragma('synchronous = FULL');
    }
  }

  /**
   * Records an input as processed outside a step commit: for an input whose effects all ran
   * (the machine host marks it after its sends) or that changed no state. Written without its
   * own fsync, like `markSent`: losing it only means the input is stepped again, which the
   * machines answer the same way. Answers false if it was recorded already.
   */
  markProcessed(inputId: string): boolean {
    if (inputId === '' || inputId.length > MAX_INPUT_ID) {
      throw new StateStoreError(
        'invalid-argument',
        `input id must be 1-${MAX_INPUT_ID} characters`,
      );
    }
    this.#db.pragma('synchronous = NORMAL');
    try {
      const version =
        (this.#db.prepare('SELECT version FROM machine_state WHERE id = 1').pluck().get() as
          | number
          | undefined) ?? 0;
      const r = this.#db
        .prepare(
          `INSERT INTO processed_inputs (input_id, step_version, processed_at) VALUES (?, ?, ?)
           ON CONFLICT DO NOTHING`,
        )
        .run(inputId, version, this.#now());
      return r.changes === 1;
    } finally {
      this.#db.pragma('synchronous = FULL');
    }
  }

  /** Deletes sent messages and processed-input records older than `before` (unix ms). */
  prune(before: number): { outbox: number; inputs: number } {
    return this.#db
      .transaction(() => ({
        outbox: this.#db
          .prepare('DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?')
          .run(before).changes,
        inputs: this.#db.prepare('DELETE FROM processed_inputs WHERE processed_at < ?').run(before)
          .changes,
      }))
      .immediate();
  }

  /** The schema version (SQLite user_version). */
  schemaVersion(): number {
    return this.#db.pragma('user_version', { simple: true }) as number;
  }

  close(): void {
    if (this.#db.open) this.#db.close();
    this.#key.fill(0);
  }
}

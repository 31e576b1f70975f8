import type { Database } from 'better-sqlite3';
import { StateStoreError } from './errors.ts';

/** One schema change; `version` is the `user_version` after it, counting from 1. */
export type Migration = { version: number; sql: string };

/** The state store's schema, oldest first (docs/runtime.md describes each table). */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      CREATE TABLE machine_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        nonce BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE timers (
        id TEXT PRIMARY KEY,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id TEXT NOT NULL UNIQUE,
        recipients TEXT NOT NULL,
        envelope BLOB NOT NULL,
        step_version INTEGER NOT NULL,
        sent_at INTEGER
      ) STRICT;
      CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;
      CREATE TABLE processed_inputs (
        input_id TEXT PRIMARY KEY,
        step_version INTEGER NOT NULL,
        processed_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
];

/**
 * Brings the database to the last migration's version, each migration in its own transaction
 * with the `user_version` bump. A database newer than the code is refused, not touched.
 */
export function migrate(db: Database, migrations: readonly Migration[]): number {
  const latest = migrations.at(-1)?.version ?? 0;
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migration ${i} has version ${m.version}, expected ${i + 1}`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new StateStoreError(
      'schema-too-new',
      `state store schema version ${current} is newer than this program's ${latest}`,
    );
  }
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return latest;
}

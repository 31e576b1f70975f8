/**
 * Opening a SQLite file the way every store of a process does: created owner-only (SQLite gives
 * its WAL the file's mode), WAL with a full fsync per commit, one process at a time (exclusive
 * lock; a second process on the same file is a clear `locked` error at once, not a wait), and
 * migrated to the code's schema. The state store (encrypted machine state) and the apps' plain
 * records (the coordinator's peg-out queue, the signer's decisions: public chain facts and
 * decisions, not secrets) both open theirs here.
 */
import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StateStoreError } from './errors.ts';
import { type Migration, migrate } from './migrations.ts';

export type RecordsDb = Database.Database;

/** Mode of a new store file: owner read/write only. */
export const STORE_MODE = 0o600;

/** True when `err` is SQLite's "another connection holds the lock". */
export const isBusy = (err: unknown): boolean => (err as { code?: string }).code === 'SQLITE_BUSY';

/** Opens (creating owner-only) and migrates the SQLite file at `path` (`what` names it in errors). */
export function openSqliteFile(
  path: string,
  migrations: readonly Migration[],
  what = 'database',
): RecordsDb {
  try {
    closeSync(openSync(path, 'wx', STORE_MODE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // timeout 0: a file another process holds is an immediate, clear error, not a 5 s wait.
  const db = new Database(path, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    migrate(db, migrations);
    return db;
  } catch (err) {
    db.close();
    if (isBusy(err))
      throw new StateStoreError('locked', `${what} ${path} is in use by another process`);
    throw err;
  }
}

/** An app's records database (plain, not encrypted): `openSqliteFile` of its migrations. */
export const openRecordsDb = (path: string, migrations: readonly Migration[]): RecordsDb =>
  openSqliteFile(path, migrations, 'records database');

import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stateKeyId } from '../src/keystore/state-key-id.ts';
import { messageIdFor } from '../src/relay/message-id.ts';
import { StateStoreError } from '../src/store/errors.ts';
import { MIGRATIONS, migrate } from '../src/store/migrations.ts';
import { StateStore } from '../src/store/state-store.ts';
import { tempDir } from './helpers.ts';

const KEY = new Uint8Array(32).fill(7);
const OTHER_KEY = new Uint8Array(32).fill(8);
const env = (s: string) => utf8ToBytes(s);

let t: ReturnType<typeof tempDir>;
let path: string;
let open: StateStore[];
beforeEach(() => {
  t = tempDir();
  path = join(t.dir, 'state.sqlite');
  open = [];
});
afterEach(() => {
  for (const s of open) s.close();
  t.cleanup();
});

function openStore(key = KEY, file = path): StateStore {
  const s = StateStore.open(file, { stateKey: key, now: () => 1_000 });
  open.push(s);
  return s;
}

function storeError(fn: () => unknown): StateStoreError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(StateStoreError);
  return caught as StateStoreError;
}

/** Edits the file with a plain connection while no store holds it. */
function raw<T>(fn: (db: Database.Database) => T, file = path): T {
  const db = new Database(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

describe('state store', () => {
  it('starts empty at the current schema version, owner-only files', () => {
    const s = openStore();
    s.commitStep({ state: 0, timers: {}, outbox: [] });
    for (const f of [path, `${path}-wal`]) expect(statSync(f).mode & 0o777).toBe(0o600);
    s.close();
    rmSync(path);
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    open.pop();
    const fresh = openStore();
    expect(fresh.load()).toEqual({ state: undefined, version: 0, timers: {}, outbox: [] });
    fresh.close();
    open.pop();
  });

  it('starts empty at the current schema version', () => {
    const s = openStore();
    expect(s.schemaVersion()).toBe(MIGRATIONS.length);
    expect(s.load()).toEqual({ state: undefined, version: 0, timers: {}, outbox: [] });
  });

  it('commits a step and loads it back after a reopen', () => {
    const s = openStore();
    const r = s.commitStep({
      state: { phase: 'dkg', shares: ['aa', 'bb'] },
      timers: { 'dkg-timeout': 5_000, resend: 2_000 },
      outbox: [
        { to: 'all', envelope: env('one') },
        { to: ['3', '2'], envelope: env('two') },
      ],
      inputId: '1/abc',
    });
    expect(r.duplicate).toBe(false);
    expect(r.version).toBe(1);
    expect(r.outbox.map((m) => m.id)).toEqual([
      messageIdFor('all', env('one')),
      messageIdFor(['2', '3'], env('two')),
    ]);
    s.close();
    const again = openStore();
    const loaded = again.load<{ phase: string }>();
    expect(loaded.state).toEqual({ phase: 'dkg', shares: ['aa', 'bb'] });
    expect(loaded.version).toBe(1);
    expect(loaded.timers).toEqual({ resend: 2_000, 'dkg-timeout': 5_000 });
    expect(loaded.outbox.map((m) => [m.to, new TextDecoder().decode(m.envelope)])).toEqual([
      ['all', 'one'],
      [['2', '3'], 'two'],
    ]);
    expect(again.isProcessed('1/abc')).toBe(true);
    expect(again.isProcessed('1/abd')).toBe(false);
  });

  it('replaces the timer set at every step and drains the outbox with markSent', () => {
    const s = openStore();
    const first = s.commitStep({
      state: 1,
      timers: { a: 10, b: 20 },
      outbox: [{ to: ['1'], envelope: env('x') }],
    });
    s.commitStep({
      state: 2,
      timers: { b: 25, c: 30 },
      outbox: [{ to: ['1'], envelope: env('y') }],
    });
    expect(s.timers()).toEqual({ b: 25, c: 30 });
    expect(s.markSent(first.outbox[0]!.id)).toBe(true);
    expect(s.markSent(first.outbox[0]!.id)).toBe(false);
    expect(s.pendingOutbox().map((m) => new TextDecoder().decode(m.envelope))).toEqual(['y']);
    s.commitStep({ state: 3, timers: {}, outbox: [] });
    expect(s.load()).toMatchObject({ state: 3, version: 3, timers: {} });
  });

  it('an input processed before writes nothing the second time', () => {
    const s = openStore();
    s.commitStep({ state: 'after-first', timers: { a: 1 }, outbox: [], inputId: 'in-1' });
    const dup = s.commitStep({
      state: 'after-second',
      timers: {},
      outbox: [{ to: 'all', envelope: env('z') }],
      inputId: 'in-1',
    });
    expect(dup).toEqual({ duplicate: true, version: 1, outbox: [] });
    expect(s.load()).toMatchObject({
      state: 'after-first',
      version: 1,
      timers: { a: 1 },
      outbox: [],
    });
  });

  it('an envelope already in the outbox is not queued twice', () => {
    const s = openStore();
    s.commitStep({ state: 1, timers: {}, outbox: [{ to: ['1', '2'], envelope: env('m') }] });
    const r = s.commitStep({
      state: 2,
      timers: {},
      outbox: [{ to: ['2', '1', '2'], envelope: env('m') }],
    });
    expect(r.outbox).toEqual([]);
    expect(s.pendingOutbox()).toHaveLength(1);
  });

  it('refuses bad arguments before writing anything', () => {
    const s = openStore();
    s.commitStep({ state: 'kept', timers: {}, outbox: [] });
    const bad = [
      () => s.commitStep({ state: undefined, timers: {}, outbox: [] }),
      () => s.commitStep({ state: 1, timers: { a: -1 }, outbox: [] }),
      () => s.commitStep({ state: 1, timers: { a: 1.5 }, outbox: [] }),
      () => s.commitStep({ state: 1, timers: {}, outbox: [{ to: [], envelope: env('x') }] }),
      () =>
        s.commitStep({ state: 1, timers: {}, outbox: [{ to: 'all', envelope: new Uint8Array() }] }),
      () => s.commitStep({ state: 1, timers: {}, outbox: [], inputId: '' }),
    ];
    for (const fn of bad) expect(storeError(fn).code).toBe('invalid-argument');
    expect(s.load()).toMatchObject({ state: 'kept', version: 1 });
  });

  it('keeps the state encrypted at rest', () => {
    const s = openStore();
    const marker = 'nonce-secret-5f3a9c';
    s.commitStep({ state: { secret: marker }, timers: {}, outbox: [] });
    s.close();
    for (const f of [path, `${path}-wal`]) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(f);
      } catch {
        continue;
      }
      expect(bytes.includes(marker)).toBe(false);
    }
    const row = raw((db) => db.prepare('SELECT nonce, ciphertext FROM machine_state').get()) as {
      nonce: Buffer;
      ciphertext: Buffer;
    };
    expect(row.nonce).toHaveLength(24);
    expect(row.ciphertext.includes(marker)).toBe(false);
  });

  it('uses a fresh nonce for every write of the same state', () => {
    const nonceAfterCommit = () => {
      const s = openStore();
      s.commitStep({ state: 'same', timers: {}, outbox: [] });
      s.close();
      open.pop();
      return raw((db) =>
        bytesToHex(
          (db.prepare('SELECT nonce FROM machine_state').get() as { nonce: Buffer }).nonce,
        ),
      );
    };
    expect(nonceAfterCommit()).not.toBe(nonceAfterCommit());
  });

  it('refuses another key by name, without key bytes', () => {
    openStore().close();
    const err = storeError(() => openStore(OTHER_KEY));
    expect(err.code).toBe('wrong-key');
    expect(err.message).toContain(stateKeyId(KEY));
    expect(err.message).not.toContain(bytesToHex(OTHER_KEY));
  });

  it('detects a modified, rolled back or transplanted state row', () => {
    type Row = { version: number; nonce: Buffer; ciphertext: Buffer };
    const readRow = (file = path) =>
      raw(
        (db) => db.prepare('SELECT version, nonce, ciphertext FROM machine_state').get(),
        file,
      ) as Row;
    const writeRow = (r: Row) =>
      raw((db) =>
        db
          .prepare('UPDATE machine_state SET version = ?, nonce = ?, ciphertext = ?')
          .run(r.version, r.nonce, r.ciphertext),
      );
    const loadCode = () => {
      try {
        const st = openStore();
        try {
          return st.load().state;
        } finally {
          st.close();
          open.pop();
        }
      } catch (e) {
        return (e as StateStoreError).code;
      }
    };
    const s = openStore();
    s.commitStep({ state: 'v1', timers: {}, outbox: [] });
    s.close();
    open.pop();
    const v1 = readRow();
    const s2 = openStore();
    s2.commitStep({ state: 'v2', timers: {}, outbox: [] });
    s2.close();
    open.pop();
    const v2 = readRow();

    // A flipped byte of the current row.
    const flipped = Buffer.from(v2.ciphertext);
    flipped[3]! ^= 1;
    writeRow({ ...v2, ciphertext: flipped });
    expect(loadCode()).toBe('tampered');
    writeRow(v2);
    expect(loadCode()).toBe('v2');

    // Rollback: version 1's row, at version 2 or back at version 1.
    writeRow({ ...v1, version: 2 });
    expect(loadCode()).toBe('tampered');
    writeRow(v1);
    expect(loadCode()).toBe('v1'); // a whole-row rollback is not detectable (docs/runtime.md)
    writeRow(v2);

    // Transplant: another store's row (same key, same version) does not decrypt here.
    const other = join(t.dir, 'other.sqlite');
    const o = openStore(KEY, other);
    o.commitStep({ state: 'other 1', timers: {}, outbox: [] });
    o.commitStep({ state: 'other 2', timers: {}, outbox: [] });
    o.close();
    open.pop();
    const transplanted = readRow(other);
    expect(transplanted.version).toBe(2);
    writeRow(transplanted);
    expect(loadCode()).toBe('tampered');
  });

  it('one process per file: a second open is refused while the first holds it', () => {
    const s = openStore();
    expect(storeError(() => openStore()).code).toBe('locked');
    s.close();
    openStore();
  });

  it('refuses a schema newer than the code, and migrates step by step', () => {
    openStore().close();
    raw((db) => db.pragma('user_version = 99'));
    expect(storeError(() => openStore()).code).toBe('schema-too-new');

    const file = join(t.dir, 'migrate.sqlite');
    const db = new Database(file);
    try {
      expect(migrate(db, MIGRATIONS)).toBe(1);
      const v2 = [...MIGRATIONS, { version: 2, sql: 'ALTER TABLE timers ADD COLUMN note TEXT' }];
      expect(migrate(db, v2)).toBe(2);
      expect(migrate(db, v2)).toBe(2);
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      expect(() => migrate(db, [{ version: 2, sql: '' }])).toThrow(/expected 1/);
    } finally {
      db.close();
    }
  });

  it('prunes sent messages and old processed-input records', () => {
    let now = 1_000;
    const s = StateStore.open(path, { stateKey: KEY, now: () => now });
    open.push(s);
    const r = s.commitStep({
      state: 1,
      timers: {},
      outbox: [
        { to: 'all', envelope: env('a') },
        { to: 'all', envelope: env('b') },
      ],
      inputId: 'i1',
    });
    s.markSent(r.outbox[0]!.id);
    now = 5_000;
    expect(s.prune(2_000)).toEqual({ outbox: 1, inputs: 1 });
    expect(s.pendingOutbox()).toHaveLength(1);
    expect(s.isProcessed('i1')).toBe(false);
  });
});

import type Database from 'better-sqlite3';

type Pending = {
  op: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
};

type Settled = { p: Pending; ok: boolean; value: unknown };

/**
 * Group commit with an asynchronous fsync. Write operations submitted in the same event-loop
 * turn run in one SQLite transaction, each in its own savepoint (one failing op does not undo
 * the others). The COMMIT writes the WAL frames without fsync (synchronous=NORMAL); `sync`
 * then fsyncs the WAL file on libuv's thread pool, and only after it returned are the
 * operations' promises settled. Commits made while an fsync is running wait for the next one,
 * so one fsync acknowledges everything committed before it started and the event loop never
 * blocks on the disk.
 */
export class GroupCommit {
  readonly #db: Database.Database;
  readonly #sync: () => Promise<void>;
  readonly #afterSync: () => void;
  #queue: Pending[] = [];
  #scheduled = false;
  /** Committed, waiting for the next fsync. */
  #committed: Settled[] = [];
  #syncing = false;
  #failed: unknown;

  constructor(db: Database.Database, sync: () => Promise<void>, afterSync: () => void = () => {}) {
    this.#db = db;
    this.#sync = sync;
    this.#afterSync = afterSync;
  }

  submit<T>(op: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#failed !== undefined) {
        reject(this.#failed);
        return;
      }
      this.#queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits the queued operations now; their promises settle after the following fsync. */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const results: Settled[] = [];
    try {
      this.#db.transaction(() => {
        for (const p of batch) {
          try {
            results.push({ p, ok: true, value: this.#db.transaction(p.op)() });
          } catch (err) {
            results.push({ p, ok: false, value: err });
          }
        }
      })();
    } catch (err) {
      // The COMMIT itself failed (disk full, I/O error): nothing of the batch is stored.
      for (const p of batch) p.reject(err);
      return;
    }
    this.#committed.push(...results);
    if (!this.#syncing) void this.#syncLoop();
  }

  /** Resolves when every operation submitted so far is committed and fsynced. */
  async drain(): Promise<void> {
    this.flush();
    while (this.#syncing || this.#committed.length > 0) {
      await new Promise((r) => setImmediate(r));
    }
  }

  async #syncLoop(): Promise<void> {
    this.#syncing = true;
    try {
      while (this.#committed.length > 0) {
        const group = this.#committed;
        this.#committed = [];
        try {
          await this.#sync();
        } catch (err) {
          // fsync failed: the data's durability is unknown. Refuse to acknowledge anything more
          // (the operator must look at the disk) rather than ack on a broken device.
          this.#failed = err;
          for (const s of [...group, ...this.#committed]) s.p.reject(err);
          this.#committed = [];
          return;
        }
        for (const s of group) {
          if (s.ok) s.p.resolve(s.value);
          else s.p.reject(s.value);
        }
        this.#afterSync();
      }
    } finally {
      this.#syncing = false;
    }
  }
}

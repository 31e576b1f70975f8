import type Database from 'better-sqlite3';

type Pending = {
  op: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
};

/**
 * Group commit: write operations submitted in the same event-loop turn run in one SQLite
 * transaction, each inside its own savepoint (one failing op does not undo the others), and all
 * promises settle only after the COMMIT returned, i.e. after the WAL fsync
 * (synchronous=FULL). One fsync then acknowledges many posts.
 */
export class GroupCommit {
  readonly #db: Database.Database;
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #afterCommit: () => void;

  constructor(db: Database.Database, afterCommit: () => void = () => {}) {
    this.#db = db;
    this.#afterCommit = afterCommit;
  }

  submit<T>(op: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const results: { ok: boolean; value: unknown }[] = [];
    try {
      this.#db.transaction(() => {
        for (const p of batch) {
          try {
            results.push({ ok: true, value: this.#db.transaction(p.op)() });
          } catch (err) {
            results.push({ ok: false, value: err });
          }
        }
      })();
    } catch (err) {
      // The COMMIT itself failed (disk full, I/O error): nothing of the batch is durable.
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i];
      if (r?.ok) p.resolve(r.value);
      else p.reject(r?.value);
    });
    this.#afterCommit();
  }
}

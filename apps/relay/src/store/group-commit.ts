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
 * operations' promises settled. An fsync covers everything committed before it started, so a
 * group is acknowledged by the first fsync that started after its commit. Up to `maxInFlight`
 * fsyncs overlap (the kernel merges them into its journal commits), which keeps the wait after
 * a commit close to one fsync; the event loop never blocks on the disk.
 */
export class GroupCommit {
  readonly #db: Database.Database;
  readonly #sync: () => Promise<void>;
  readonly #maxInFlight: number;
  readonly #maintenance: () => Promise<void> | undefined;
  #paused = false;
  readonly #stmt: Record<
    'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'undo',
    Database.Statement
  >;
  #queue: Pending[] = [];
  #scheduled = false;
  /** Committed, waiting for an fsync to start. */
  #committed: Settled[] = [];
  #inFlight = 0;
  #failed: unknown;

  /**
   * `maintenance` is offered the store whenever the disk is idle (no fsync running, nothing
   * waiting for one); when it returns a promise, commits pause until it settles (used for
   * checkpoints, which must finish before the WAL may be rewritten).
   */
  constructor(
    db: Database.Database,
    sync: () => Promise<void>,
    opts: { maxInFlight?: number; maintenance?: () => Promise<void> | undefined } = {},
  ) {
    this.#db = db;
    this.#sync = sync;
    this.#maxInFlight = opts.maxInFlight ?? 4;
    this.#maintenance = opts.maintenance ?? (() => undefined);
    this.#stmt = {
      begin: db.prepare('BEGIN IMMEDIATE'),
      commit: db.prepare('COMMIT'),
      rollback: db.prepare('ROLLBACK'),
      savepoint: db.prepare('SAVEPOINT op'),
      release: db.prepare('RELEASE op'),
      undo: db.prepare('ROLLBACK TO op'),
    };
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

  /** Commits the queued operations now; their promises settle after a following fsync. */
  flush(): void {
    this.#scheduled = false;
    if (this.#paused) return; // resumed (and flushed) when the maintenance settles
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    if (this.#failed !== undefined) {
      // Submitted before an fsync failed, flushed after: a later fsync succeeding proves nothing
      // about the device, so these are refused like any submission after the failure.
      for (const p of batch) p.reject(this.#failed);
      return;
    }
    const s = this.#stmt;
    const results: Settled[] = [];
    try {
      s.begin.run();
      for (const p of batch) {
        s.savepoint.run();
        try {
          const value = p.op();
          s.release.run();
          results.push({ p, ok: true, value });
        } catch (err) {
          s.undo.run();
          s.release.run();
          results.push({ p, ok: false, value: err });
        }
      }
      s.commit.run();
    } catch (err) {
      // BEGIN or COMMIT failed (disk full, I/O error): nothing of the batch is stored.
      if (this.#db.inTransaction) s.rollback.run();
      for (const p of batch) p.reject(err);
      return;
    }
    this.#committed.push(...results);
    this.#pump();
  }

  /** Resolves when every operation submitted so far is committed and fsynced. */
  async drain(): Promise<void> {
    this.flush();
    while (this.#inFlight > 0 || this.#committed.length > 0 || this.#paused) {
      await new Promise((r) => setImmediate(r));
    }
  }

  #maintain(): void {
    if (this.#paused || this.#failed !== undefined) return;
    const work = this.#maintenance();
    if (!work) return;
    this.#paused = true;
    work.then(
      () => {
        this.#paused = false;
        this.flush();
      },
      (err: unknown) => {
        // The maintenance could not make the database durable: stop acknowledging.
        this.#paused = false;
        this.#failed = err;
        for (const p of this.#queue.splice(0)) p.reject(err);
      },
    );
  }

  #pump(): void {
    if (this.#committed.length === 0 || this.#inFlight >= this.#maxInFlight) return;
    const group = this.#committed;
    this.#committed = [];
    this.#inFlight++;
    this.#sync().then(
      () => {
        this.#inFlight--;
        for (const r of group) {
          if (r.ok) r.p.resolve(r.value);
          else r.p.reject(r.value);
        }
        this.#pump();
        if (this.#inFlight === 0 && this.#committed.length === 0) this.#maintain();
      },
      (err: unknown) => {
        this.#inFlight--;
        // fsync failed: durability is unknown. Refuse to acknowledge anything more (the
        // operator must look at the disk) rather than ack on a broken device.
        this.#failed = err;
        for (const r of [...group, ...this.#committed]) r.p.reject(err);
        this.#committed = [];
      },
    );
  }
}

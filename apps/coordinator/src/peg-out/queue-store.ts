/**
 * The coordinator's record of the peg-out queue (`peg-out.sqlite` in its data folder): every
 * withdrawal request with the time it entered each state, and every sweep it built, signed or
 * saw. The chains stay the truth (any coordinator may be the active one, and each rebuilds its
 * view from them); this record keeps what the chains do not: when each step happened, and the
 * signed bytes of a sweep between signing and broadcast, so a restarted coordinator sends the
 * sweep it has instead of building another.
 */
import { openRecordsDb, type RecordsDb } from '@peg/runtime';
import type { PegOutState, SweepState as WireSweepState } from '@peg/wire';

/** A request's place in the pipeline and a sweep's life: the API's words (@peg/wire). */
export type RequestState = PegOutState;
export type SweepState = WireSweepState;

export type RequestRecord = {
  id: string;
  amount: string;
  maxFee: string;
  sender: string;
  recipient: string;
  burnHeight: number;
  state: RequestState;
  sweepTxid: string | null;
  detail: string | null;
  /** When the request entered each state it has been in (ms). */
  at: Partial<Record<RequestState, number>>;
};

export type SweepRecord = {
  txid: string;
  ids: string[];
  fee: string;
  feeRate: number;
  vsize: number;
  state: SweepState;
  createdAt: number;
  updatedAt: number;
  broadcastAt: number | null;
  minedHeight: number | null;
  completionTxid: string | null;
  detail: string | null;
  /** The signed transaction, once signed. */
  hex: string | null;
};

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        amount TEXT NOT NULL,
        max_fee TEXT NOT NULL,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        burn_height INTEGER NOT NULL,
        state TEXT NOT NULL,
        sweep_txid TEXT,
        detail TEXT,
        at TEXT NOT NULL,
        id_num INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX requests_by_id ON requests (id_num);
      CREATE TABLE sweeps (
        txid TEXT PRIMARY KEY,
        ids TEXT NOT NULL,
        fee TEXT NOT NULL,
        fee_rate REAL NOT NULL,
        vsize INTEGER NOT NULL,
        state TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        broadcast_at INTEGER,
        mined_height INTEGER,
        completion_txid TEXT,
        detail TEXT,
        hex TEXT
      ) STRICT;
    `,
  },
];

type RequestRow = {
  id: string;
  amount: string;
  max_fee: string;
  sender: string;
  recipient: string;
  burn_height: number;
  state: RequestState;
  sweep_txid: string | null;
  detail: string | null;
  at: string;
};

type SweepRow = {
  txid: string;
  ids: string;
  fee: string;
  fee_rate: number;
  vsize: number;
  state: SweepState;
  created_at: number;
  updated_at: number;
  broadcast_at: number | null;
  mined_height: number | null;
  completion_txid: string | null;
  detail: string | null;
  hex: string | null;
};

const requestOf = (r: RequestRow): RequestRecord => ({
  id: r.id,
  amount: r.amount,
  maxFee: r.max_fee,
  sender: r.sender,
  recipient: r.recipient,
  burnHeight: r.burn_height,
  state: r.state,
  sweepTxid: r.sweep_txid,
  detail: r.detail,
  at: JSON.parse(r.at) as RequestRecord['at'],
});

const sweepOf = (r: SweepRow): SweepRecord => ({
  txid: r.txid,
  ids: JSON.parse(r.ids) as string[],
  fee: r.fee,
  feeRate: r.fee_rate,
  vsize: r.vsize,
  state: r.state,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  broadcastAt: r.broadcast_at,
  minedHeight: r.mined_height,
  completionTxid: r.completion_txid,
  detail: r.detail,
  hex: r.hex,
});

export class QueueStore {
  readonly #db: RecordsDb;

  constructor(path: string) {
    this.#db = openRecordsDb(path, MIGRATIONS);
  }

  close(): void {
    this.#db.close();
  }

  /**
   * Records a request in `state` (now, unless it was there already); a request seen first in a
   * later state gets that state's time only.
   */
  setRequest(
    r: Omit<RequestRecord, 'state' | 'at' | 'sweepTxid' | 'detail'>,
    state: RequestState,
    o: { sweepTxid?: string | null; detail?: string | null; now: number },
  ): boolean {
    const row = this.#db.prepare('SELECT * FROM requests WHERE id = ?').get(r.id) as
      | RequestRow
      | undefined;
    const sweepTxid = o.sweepTxid !== undefined ? o.sweepTxid : (row?.sweep_txid ?? null);
    const detail = o.detail !== undefined ? o.detail : (row?.detail ?? null);
    if (row && row.state === state && row.sweep_txid === sweepTxid && row.detail === detail)
      return false;
    const at = row ? (JSON.parse(row.at) as RequestRecord['at']) : {};
    at[state] ??= o.now;
    this.#db
      .prepare(
        `INSERT INTO requests (id, amount, max_fee, sender, recipient, burn_height, state, sweep_txid, detail, at, id_num)
         VALUES (@id, @amount, @maxFee, @sender, @recipient, @burnHeight, @state, @sweepTxid, @detail, @at, @idNum)
         ON CONFLICT (id) DO UPDATE SET state = @state, sweep_txid = @sweepTxid, detail = @detail, at = @at`,
      )
      .run({
        ...r,
        state,
        sweepTxid,
        detail,
        at: JSON.stringify(at),
        idNum: Number(r.id),
      });
    return true;
  }

  /** Sets a request's detail (why it waits), keeping its state. */
  setDetail(id: string, detail: string | null): void {
    this.#db.prepare('UPDATE requests SET detail = ? WHERE id = ?').run(detail, id);
  }

  request(id: string): RequestRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM requests WHERE id = ?').get(id) as
      | RequestRow
      | undefined;
    return row && requestOf(row);
  }

  /** Requests, newest first. */
  requests(o: { limit: number; state?: RequestState }): RequestRecord[] {
    const rows = (
      o.state === undefined
        ? this.#db.prepare('SELECT * FROM requests ORDER BY id_num DESC LIMIT ?').all(o.limit)
        : this.#db
            .prepare('SELECT * FROM requests WHERE state = ? ORDER BY id_num DESC LIMIT ?')
            .all(o.state, o.limit)
    ) as RequestRow[];
    return rows.map(requestOf);
  }

  /** How many requests are in each state. */
  counts(): Partial<Record<RequestState, number>> {
    const rows = this.#db
      .prepare('SELECT state, COUNT(*) AS n FROM requests GROUP BY state')
      .all() as { state: RequestState; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** Creates or updates a sweep record (fields given replace the stored ones). */
  putSweep(
    s: Pick<SweepRecord, 'txid' | 'ids' | 'fee' | 'feeRate' | 'vsize' | 'state'> &
      Partial<
        Pick<SweepRecord, 'hex' | 'broadcastAt' | 'minedHeight' | 'completionTxid' | 'detail'>
      >,
    now: number,
  ): void {
    const row = this.#db.prepare('SELECT * FROM sweeps WHERE txid = ?').get(s.txid) as
      | SweepRow
      | undefined;
    const merged: SweepRecord = {
      ...(row
        ? sweepOf(row)
        : {
            createdAt: now,
            broadcastAt: null,
            minedHeight: null,
            completionTxid: null,
            detail: null,
            hex: null,
          }),
      ...s,
      updatedAt: now,
    } as SweepRecord;
    this.#db
      .prepare(
        `INSERT INTO sweeps (txid, ids, fee, fee_rate, vsize, state, created_at, updated_at, broadcast_at, mined_height, completion_txid, detail, hex)
         VALUES (@txid, @ids, @fee, @feeRate, @vsize, @state, @createdAt, @updatedAt, @broadcastAt, @minedHeight, @completionTxid, @detail, @hex)
         ON CONFLICT (txid) DO UPDATE SET state = @state, updated_at = @updatedAt, broadcast_at = @broadcastAt,
           mined_height = @minedHeight, completion_txid = @completionTxid, detail = @detail, hex = @hex`,
      )
      .run({ ...merged, ids: JSON.stringify(merged.ids) });
  }

  sweep(txid: string): SweepRecord | undefined {
    const row = this.#db.prepare('SELECT * FROM sweeps WHERE txid = ?').get(txid) as
      | SweepRow
      | undefined;
    return row && sweepOf(row);
  }

  /** Sweeps, newest first (or only those in `state`). */
  sweeps(o: { limit: number; state?: SweepState }): SweepRecord[] {
    const rows = (
      o.state === undefined
        ? this.#db.prepare('SELECT * FROM sweeps ORDER BY created_at DESC LIMIT ?').all(o.limit)
        : this.#db
            .prepare('SELECT * FROM sweeps WHERE state = ? ORDER BY created_at DESC LIMIT ?')
            .all(o.state, o.limit)
    ) as SweepRow[];
    return rows.map(sweepOf);
  }
}

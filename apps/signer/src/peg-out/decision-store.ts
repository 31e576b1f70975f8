/**
 * The signer's record of its peg-out decisions (`signer-records.sqlite` in its data folder):
 * every sweep it was asked to sign and what it answered, with the reason; every request it
 * approved (the daily-volume rule and the circuit breaker count them); and the breaker's state,
 * which only an operator resets. Append-only for decisions: the history is the audit.
 */
import { openRecordsDb, type RecordsDb } from '@peg/runtime';
import type { BreakerState } from '../policy/breaker.ts';

export type SweepDecision = {
  seq: number;
  at: number;
  signId: number;
  txid: string | null;
  requestIds: string[];
  approved: boolean;
  /** A kebab-case reason (`SweepRefusal` or a policy outcome); null when approved. */
  reason: string | null;
  detail: string | null;
};

const MIGRATIONS = [
  {
    version: 1,
    sql: `
      CREATE TABLE decisions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        sign_id INTEGER NOT NULL,
        txid TEXT,
        request_ids TEXT NOT NULL,
        approved INTEGER NOT NULL,
        reason TEXT,
        detail TEXT
      ) STRICT;
      CREATE TABLE approvals (
        request_id TEXT PRIMARY KEY,
        amount TEXT NOT NULL,
        at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE approved_sweeps (
        txid TEXT PRIMARY KEY,
        inputs TEXT NOT NULL,
        at INTEGER NOT NULL,
        height INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE approved_sweep_requests (
        request_id TEXT NOT NULL,
        txid TEXT NOT NULL,
        PRIMARY KEY (request_id, txid)
      ) STRICT;
    `,
  },
];

type DecisionRow = {
  seq: number;
  at: number;
  sign_id: number;
  txid: string | null;
  request_ids: string;
  approved: number;
  reason: string | null;
  detail: string | null;
};

export class DecisionStore {
  readonly #db: RecordsDb;

  constructor(path: string) {
    this.#db = openRecordsDb(path, MIGRATIONS);
  }

  close(): void {
    this.#db.close();
  }

  record(d: Omit<SweepDecision, 'seq'>): SweepDecision {
    const r = this.#db
      .prepare(
        `INSERT INTO decisions (at, sign_id, txid, request_ids, approved, reason, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        d.at,
        d.signId,
        d.txid,
        JSON.stringify(d.requestIds),
        d.approved ? 1 : 0,
        d.reason,
        d.detail,
      );
    return { ...d, seq: Number(r.lastInsertRowid) };
  }

  /** Decisions, newest first. */
  decisions(limit: number): SweepDecision[] {
    const rows = this.#db
      .prepare('SELECT * FROM decisions ORDER BY seq DESC LIMIT ?')
      .all(limit) as DecisionRow[];
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at,
      signId: r.sign_id,
      txid: r.txid,
      requestIds: JSON.parse(r.request_ids) as string[],
      approved: r.approved === 1,
      reason: r.reason,
      detail: r.detail,
    }));
  }

  /** Records approvals (a request approved again keeps its first time). */
  approve(requests: { id: bigint; amount: bigint }[], at: number): void {
    const insert = this.#db.prepare(
      'INSERT INTO approvals (request_id, amount, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.#db.transaction(() => {
      for (const r of requests) insert.run(r.id.toString(), r.amount.toString(), at);
    })();
  }

  /** Approvals since `since` (ms), excluding `except` (the requests being decided again). */
  approvals(
    since: number,
    except: ReadonlySet<string> = new Set(),
  ): { at: number; amount: bigint }[] {
    const rows = this.#db
      .prepare('SELECT request_id, amount, at FROM approvals WHERE at >= ?')
      .all(since) as { request_id: string; amount: string; at: number }[];
    return rows
      .filter((r) => !except.has(r.request_id))
      .map((r) => ({ at: r.at, amount: BigInt(r.amount) }));
  }

  /** Records a sweep this signer approved: its inputs (`txid:vout`) and the requests it pays. */
  approveSweep(
    txid: string,
    inputs: readonly string[],
    ids: readonly bigint[],
    o: { at: number; height: number },
  ): void {
    this.#db.transaction(() => {
      this.#db
        .prepare(
          'INSERT INTO approved_sweeps (txid, inputs, at, height) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(txid, JSON.stringify(inputs), o.at, o.height);
      const link = this.#db.prepare(
        'INSERT INTO approved_sweep_requests (request_id, txid) VALUES (?, ?) ON CONFLICT DO NOTHING',
      );
      for (const id of ids) link.run(id.toString(), txid);
    })();
  }

  /** The sweeps this signer approved that pay `id`: inputs, and the Bitcoin height then. */
  approvedSweepsOf(id: bigint): { txid: string; inputs: string[]; height: number }[] {
    const rows = this.#db
      .prepare(
        `SELECT s.txid, s.inputs, s.height FROM approved_sweeps s
         JOIN approved_sweep_requests r ON r.txid = s.txid WHERE r.request_id = ?`,
      )
      .all(id.toString()) as { txid: string; inputs: string; height: number }[];
    return rows.map((r) => ({
      txid: r.txid,
      inputs: JSON.parse(r.inputs) as string[],
      height: r.height,
    }));
  }

  breaker(): BreakerState {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'breaker'").get() as
      | { value: string }
      | undefined;
    return row ? (JSON.parse(row.value) as BreakerState) : { tripped: false };
  }

  setBreaker(state: BreakerState): void {
    this.#db
      .prepare(
        "INSERT INTO meta (key, value) VALUES ('breaker', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      )
      .run(JSON.stringify(state));
  }
}

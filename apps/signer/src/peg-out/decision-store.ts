/**
 * The signer's record of its peg-out decisions (`signer-records.sqlite` in its data folder):
 * every sweep it was asked to sign and what it answered, with the reason; every request it
 * approved (the daily-volume rule and the circuit breaker count them); and the breaker's state,
 * which only an operator resets. Append-only for decisions: the history is the audit.
 */
import { openRecordsDb, type RecordsDb } from '@peg/runtime';
import type { WithdrawalReview } from '@peg/wire';
import type { BreakerState } from '../policy/breaker.ts';

/** A request's review at this signer: the wire's `WithdrawalReview`. */
export type Review = WithdrawalReview;

/** One line of the append-only review audit: who decided what, when, why. */
export type ReviewAudit = {
  seq: number;
  requestId: string;
  decision: 'accept' | 'reject';
  decidedBy: 'policy' | 'operator' | 'deadline';
  reason: string | null;
  at: number;
  receipt: string | null;
};

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
      CREATE TABLE reviews (
        request_id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        decided_by TEXT,
        reason TEXT,
        decided_at INTEGER,
        created_at INTEGER NOT NULL,
        deadline INTEGER NOT NULL,
        facts TEXT NOT NULL,
        id_num INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE review_audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL,
        decision TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        reason TEXT,
        at INTEGER NOT NULL,
        receipt TEXT
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

type ReviewRow = { facts: string };
const reviewOf = (r: ReviewRow): Review => JSON.parse(r.facts) as Review;

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

  /** The review of `id`, if it ever came up for one. */
  review(id: bigint): Review | undefined {
    const row = this.#db.prepare('SELECT * FROM reviews WHERE request_id = ?').get(id.toString()) as
      | ReviewRow
      | undefined;
    return row && reviewOf(row);
  }

  /** Reviews by request id ascending after `after`, optionally in one status. */
  reviews(o: { status?: Review['status']; after?: number; limit: number }): Review[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM reviews WHERE id_num > ? ${o.status ? 'AND status = ?' : ''} ORDER BY id_num LIMIT ?`,
      )
      .all(...[o.after ?? 0, ...(o.status ? [o.status] : []), o.limit]) as ReviewRow[];
    return rows.map(reviewOf);
  }

  /** How many reviews wait for the operator. */
  pendingReviews(): number {
    return (
      this.#db.prepare("SELECT COUNT(*) AS n FROM reviews WHERE status = 'pending'").get() as {
        n: number;
      }
    ).n;
  }

  /**
   * Opens a review (pending) or refreshes a pending one's facts (confirmations, rules, sweep);
   * a decided review is left as it is. Returns the review as stored.
   */
  openReview(r: Review): Review {
    const known = this.review(BigInt(r.requestId));
    if (known !== undefined && known.status !== 'pending') return known;
    const next: Review =
      known === undefined ? r : { ...r, createdAt: known.createdAt, deadline: known.deadline };
    this.#db
      .prepare(
        `INSERT INTO reviews (request_id, status, decided_by, reason, decided_at, created_at, deadline, facts, id_num)
         VALUES (?, 'pending', NULL, NULL, NULL, ?, ?, ?, ?)
         ON CONFLICT (request_id) DO UPDATE SET facts = excluded.facts`,
      )
      .run(
        String(next.requestId),
        next.createdAt,
        next.deadline,
        JSON.stringify(next),
        next.requestId,
      );
    return next;
  }

  /**
   * Decides a pending review, with its audit line, in one transaction; undefined when there is
   * no pending review of `id` (unknown, or decided already: decisions are final).
   */
  decideReview(
    id: bigint,
    d: {
      decision: 'accept' | 'reject';
      by: 'operator' | 'deadline' | 'policy';
      reason: string | null;
      at: number;
      receipt?: (review: Review) => string;
    },
  ): { review: Review; audit: ReviewAudit } | undefined {
    return this.#db.transaction(() => {
      const known = this.review(id);
      if (known === undefined || known.status !== 'pending') return undefined;
      const review: Review = {
        ...known,
        status: d.decision === 'accept' ? 'accepted' : 'rejected',
        decidedBy: d.by,
        reason: d.reason,
        decidedAt: d.at,
      };
      const receipt = d.receipt?.(review) ?? null;
      this.#db
        .prepare(
          'UPDATE reviews SET status = ?, decided_by = ?, reason = ?, decided_at = ?, facts = ? WHERE request_id = ?',
        )
        .run(review.status, d.by, d.reason, d.at, JSON.stringify(review), id.toString());
      const r = this.#db
        .prepare(
          'INSERT INTO review_audit (request_id, decision, decided_by, reason, at, receipt) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(id.toString(), d.decision, d.by, d.reason, d.at, receipt);
      return {
        review,
        audit: {
          seq: Number(r.lastInsertRowid),
          requestId: id.toString(),
          decision: d.decision,
          decidedBy: d.by,
          reason: d.reason,
          at: d.at,
          receipt,
        },
      };
    })();
  }

  /** Rejects every pending review whose deadline passed (`by: 'deadline'`); calls `onDecided`. */
  expireReviews(now: number, onDecided?: (r: Review) => void): void {
    const due = this.#db
      .prepare("SELECT request_id FROM reviews WHERE status = 'pending' AND deadline <= ?")
      .all(now) as { request_id: string }[];
    for (const { request_id } of due) {
      const d = this.decideReview(BigInt(request_id), {
        decision: 'reject',
        by: 'deadline',
        reason: 'no decision before the deadline',
        at: now,
      });
      if (d) onDecided?.(d.review);
    }
  }

  /** The review audit, oldest first. */
  audit(): ReviewAudit[] {
    const rows = this.#db.prepare('SELECT * FROM review_audit ORDER BY seq').all() as {
      seq: number;
      request_id: string;
      decision: 'accept' | 'reject';
      decided_by: ReviewAudit['decidedBy'];
      reason: string | null;
      at: number;
      receipt: string | null;
    }[];
    return rows.map((r) => ({
      seq: r.seq,
      requestId: r.request_id,
      decision: r.decision,
      decidedBy: r.decided_by,
      reason: r.reason,
      at: r.at,
      receipt: r.receipt,
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

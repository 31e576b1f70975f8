import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WithdrawalReview } from '@peg/wire';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecisionStore } from '../src/peg-out/decision-store.ts';

const review = (id: number, o: Partial<WithdrawalReview> = {}): WithdrawalReview => ({
  requestId: id,
  amount: 300_000,
  maxFee: 5_000,
  recipient: { version: 4, hashbytes: '11'.repeat(20) },
  sender: 'ST1SJ3DTE5DN7X54YDH5D64R3BCB6A2AG2ZQ8YPD5',
  blockHeight: 100,
  status: 'pending',
  decidedBy: null,
  reason: null,
  decidedAt: null,
  recipientAddress: 'bcrt1qzyg3zyg3zyg3zyg3zyg3zyg3zyg3zyg3x2n5s8',
  confirmations: 1,
  createdAt: 1_000,
  deadline: 61_000,
  rules: [{ rule: 'review-above', detail: 'amount 300000 sat is above 200000 sat' }],
  sweep: null,
  ...o,
});

describe('the signer record of reviews', () => {
  let dir: string;
  let store: DecisionStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'decisions-'));
    store = new DecisionStore(join(dir, 'records.sqlite'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a review once: a refresh keeps its creation and deadline, a decided one stays decided', () => {
    store.openReview(review(4));
    const refreshed = store.openReview(
      review(4, { confirmations: 5, createdAt: 9_000, deadline: 99_000 }),
    );
    expect(refreshed).toMatchObject({ confirmations: 5, createdAt: 1_000, deadline: 61_000 });
    expect(store.pendingReviews()).toBe(1);
    const d = store.decideReview(4n, {
      decision: 'accept',
      by: 'operator',
      reason: 'ok',
      at: 2_000,
    });
    expect(d?.review).toMatchObject({
      status: 'accepted',
      decidedBy: 'operator',
      decidedAt: 2_000,
    });
    expect(store.openReview(review(4, { confirmations: 9 })).status).toBe('accepted');
    // Final: a second decision, in either direction, is refused.
    expect(
      store.decideReview(4n, { decision: 'reject', by: 'operator', reason: null, at: 3_000 }),
    ).toBeUndefined();
    expect(store.review(4n)?.status).toBe('accepted');
    expect(
      store.decideReview(5n, { decision: 'accept', by: 'operator', reason: null, at: 3_000 }),
    ).toBeUndefined();
  });

  it('rejects at the deadline, not before; keeps an append-only audit with receipts', () => {
    store.openReview(review(7));
    store.openReview(review(8, { deadline: 200_000 }));
    const seen: number[] = [];
    store.expireReviews(60_999, (r) => seen.push(r.requestId));
    expect(seen).toEqual([]);
    store.expireReviews(61_000, (r) => seen.push(r.requestId));
    expect(seen).toEqual([7]);
    expect(store.review(7n)).toMatchObject({ status: 'rejected', decidedBy: 'deadline' });
    store.decideReview(8n, {
      decision: 'reject',
      by: 'operator',
      reason: 'unknown recipient',
      at: 62_000,
      receipt: () => 'signed',
    });
    expect(store.audit()).toEqual([
      expect.objectContaining({
        seq: 1,
        requestId: '7',
        decision: 'reject',
        decidedBy: 'deadline',
      }),
      expect.objectContaining({
        seq: 2,
        requestId: '8',
        reason: 'unknown recipient',
        receipt: 'signed',
      }),
    ]);
    expect(store.reviews({ limit: 10 }).map((r) => r.requestId)).toEqual([7, 8]);
    expect(store.reviews({ limit: 10, after: 7 }).map((r) => r.requestId)).toEqual([8]);
    expect(store.reviews({ limit: 10, status: 'pending' })).toEqual([]);
  });
});

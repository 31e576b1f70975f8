// Every signer's policy and its operator decide, as real processes over loopback (5 operators,
// weights 1, 1, 2, 3, 3; 7 of 10 key ids). Each signer runs the same policy file: at most
// 500,000 sats a request (reject), review above 200,000, reviews expire after 40 s. Of four
// requests: the over-limit one is rejected on Stacks and its sBTC unlocked; the small one is paid;
// one in review is paid once the operators accept it through their Signer APIs (with signed
// receipts); one in review that operators reject (and the rest let expire) is rejected on
// Stacks, never paid.
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type Federation,
  publishedKey,
  startEveryProcess,
  startFederation,
  TEST_TIMEOUTS,
} from './harness/federation.ts';
import {
  type PegOutScene,
  preparePegOuts,
  REQUESTERS,
  recipientAddress,
  requestWithdrawals,
  sbtcBalance,
  sweepsOnChain,
  waitAccepted,
} from './harness/peg-out.ts';

type Review = { requestId: number; status: string; decidedBy: string | null; rules: unknown[] };

describe('peg-out policy and manual review', () => {
  let fed: Federation;
  let scene: PegOutScene;
  let stopMining = () => {};

  beforeAll(async () => {
    fed = await startFederation({
      weights: [1, 1, 2, 3, 3],
      // A refused share request is silence to the coordinator (no refusal message in the
      // protocol yet): a short share phase ends a refused round within a block.
      timeouts: { ...TEST_TIMEOUTS, sign: 1_500 },
      pegOut: { retryRefusedMs: 3_000 },
      policy: {
        version: 1,
        maxAmountPerRequest: 500_000,
        reviewAbove: 200_000,
        reviewDeadlineSeconds: 40,
      },
    });
    startEveryProcess(fed);
  });

  /** The key published, the wallet and the requesters funded, blocks every 6 s. */
  const ready = async () => {
    const data = await publishedKey(fed, 5, 240_000);
    scene = await preparePegOuts(fed, data.aggregatePubkey, data.signerPrincipal);
    // Each block moves the active coordinator, and each coordinator narrows a refused batch on
    // its own: blocks long enough for a few refused rounds each.
    stopMining = fed.mineEvery(6_000);
  };

  afterAll(async () => {
    stopMining();
    await fed?.stop();
  });

  /** Every signer's reviews of `id` (the signers that saw it so far). */
  const reviewsOf = async (id: bigint) => {
    const out: { op: (typeof fed.operators)[number]; review: Review }[] = [];
    for (const op of fed.operators) {
      const r = await fed.api<{ items: Review[] }>(op.signerApi, '/v1/withdrawals?limit=500');
      const review = r.items.find((x) => x.requestId === Number(id));
      if (review) out.push({ op, review });
    }
    return out;
  };

  it('rejects the over-limit request on Stacks, pays the small one, and pays a reviewed one after the operators accept it', async () => {
    await ready();
    const before = await sbtcBalance(fed, REQUESTERS[0].address);
    const [overLimit, small, reviewed] = await requestWithdrawals(fed, [
      { requester: 0, amount: 1_000_000n, maxFee: 20_000n, recipient: recipientAddress(1) },
      { requester: 1, amount: 50_000n, maxFee: 20_000n, recipient: recipientAddress(2) },
      { requester: 2, amount: 300_000n, maxFee: 20_000n, recipient: recipientAddress(3) },
    ]);
    // The operators accept the reviewed request wherever it comes up, with a receipt each.
    const accepted = new Set<number>();
    await eventually(
      'the reviewed request accepted on Stacks',
      async () => {
        for (const { op, review } of await reviewsOf(reviewed!)) {
          if (review.status !== 'pending' || accepted.has(op.index)) continue;
          const r = await fed.api<{
            review: Review;
            receipt: { message: string; publicKey: string; signature: string };
          }>(op.signerApi, `/v1/withdrawals/${reviewed}/decision`, {
            method: 'POST',
            body: { decision: 'accept', reason: 'known customer' },
          });
          expect(r.review).toMatchObject({ status: 'accepted', decidedBy: 'operator' });
          expect(
            schnorr.verify(
              hexToBytes(r.receipt.signature),
              sha256(utf8ToBytes(r.receipt.message)),
              hexToBytes(r.receipt.publicKey),
            ),
          ).toBe(true);
          expect(JSON.parse(r.receipt.message)).toMatchObject({
            requestId: Number(reviewed),
            decision: 'accept',
          });
          accepted.add(op.index);
        }
        const status = (await fed.stacks.getWithdrawalRequest(reviewed!))?.status;
        return status === 'accepted' ? status : undefined;
      },
      240_000,
      1_000,
    );
    expect(accepted.size).toBeGreaterThanOrEqual(1);
    await waitAccepted(fed, [small!], 240_000);

    // The over-limit request: rejected on Stacks, the requester's sBTC unlocked in full.
    await eventually(
      'the over-limit request rejected on Stacks',
      async () => (await fed.stacks.getWithdrawalRequest(overLimit!))?.status === 'rejected',
      120_000,
      1_000,
    );
    expect(await sbtcBalance(fed, REQUESTERS[0].address)).toBe(before);
    const policyRejected = await reviewsOf(overLimit!);
    expect(policyRejected.length).toBeGreaterThanOrEqual(4);
    for (const { review } of policyRejected)
      expect(review).toMatchObject({ status: 'rejected', decidedBy: 'policy' });
  });

  it('a reviewed request its operators reject (the rest let the deadline pass) is rejected on Stacks and never paid', async () => {
    const [refused] = await requestWithdrawals(fed, [
      { requester: 1, amount: 250_000n, maxFee: 20_000n, recipient: recipientAddress(4) },
    ]);
    const rejectedBy = new Set<number>();
    await eventually(
      'the refused request rejected on Stacks',
      async () => {
        for (const { op, review } of await reviewsOf(refused!)) {
          // Operators 1-3 reject; 4 and 5 never answer: their deadline rejects.
          if (review.status !== 'pending' || op.index > 3 || rejectedBy.has(op.index)) continue;
          await fed.api(op.signerApi, `/v1/withdrawals/${refused}/decision`, {
            method: 'POST',
            body: { decision: 'reject', reason: 'unknown recipient' },
          });
          rejectedBy.add(op.index);
        }
        return (await fed.stacks.getWithdrawalRequest(refused!))?.status === 'rejected';
      },
      180_000,
      1_000,
    );
    const reviews = await reviewsOf(refused!);
    expect(reviews.map((r) => r.review.decidedBy).sort()).toContain('deadline');
    // A decision is final: deciding again is refused.
    const first = reviews.find((r) => r.op.index <= 3)!;
    const again = await fetch(new URL(`/v1/withdrawals/${refused}/decision`, first.op.signerApi), {
      method: 'POST',
      headers: { authorization: `Bearer ${first.op.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'accept' }),
    });
    expect(again.status).toBe(409);
    const { confirmed, mempool } = await sweepsOnChain(scene);
    expect([...confirmed, ...mempool].flatMap((s) => s.ids)).not.toContain(refused);
  });
});

/**
 * What a signer co-signs to reject a request on Stacks (`reject-withdrawal-request`, which
 * unlocks the requester's sBTC): only a request it decided to reject itself (its policy, its
 * operator, or a review deadline nobody met), still pending on Stacks, and named by no sweep in
 * the mempool or in a block (a request being paid is never rejected).
 */
import type { SweepScanner } from '@peg/runtime';
import {
  type ContractCallSpec,
  rejectWithdrawalCall,
  type StacksClient,
  type WithdrawalRequest,
} from '@peg/stacks-client';
import type { DecisionStore } from './decision-store.ts';

/** The rejection this signer would propose for `requestId`, or why there is none. */
export async function expectedRejection(
  deps: {
    stacks: StacksClient;
    scanner: SweepScanner;
    decisions: DecisionStore;
    /** This signer's policy on the request (opens its review, or records a rejection). */
    judge: (r: WithdrawalRequest) => Promise<unknown>;
  },
  requestId: bigint,
  walletKeys: ReadonlySet<string>,
  now: number,
): Promise<{ ok: true; spec: ContractCallSpec } | { ok: false; reason: string }> {
  deps.decisions.expireReviews(now);
  const r = await deps.stacks.getWithdrawalRequest(requestId);
  if (r === undefined) return { ok: false, reason: `request ${requestId} does not exist` };
  if (r.status !== 'pending') return { ok: false, reason: `request ${requestId} is ${r.status}` };
  // A request this signer never saw in a sweep is judged now: the proposal reaches every
  // signer, so each one's policy (and its operator, through the review it opens) has its say.
  if (deps.decisions.review(requestId)?.status !== 'rejected') await deps.judge(r);
  const review = deps.decisions.review(requestId);
  if (review?.status !== 'rejected')
    return {
      ok: false,
      reason: `request ${requestId} is ${review === undefined ? 'approved by the policy' : `${review.status} in review`} here`,
    };
  const scan = await deps.scanner.scan(walletKeys, Number(r.blockHeight));
  const sweep = [...scan.confirmed, ...scan.mempool].find((s) => s.ids.includes(requestId));
  if (sweep !== undefined)
    return { ok: false, reason: `request ${requestId} is in sweep ${sweep.txid}` };
  return { ok: true, spec: rejectWithdrawalCall({ requestId, signerBitmap: 0n }) };
}

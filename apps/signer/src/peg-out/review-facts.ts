/**
 * What a human needs to decide a request the policy could not: the request as Stacks stores it,
 * its recipient as an address, how deep it is, the rules that did not approve it, and the sweep
 * it would be part of, decoded (inputs, outputs with addresses and amounts, fee and fee rate, the
 * ids its OP_RETURN names).
 */
import { type BtcNetwork, type Sweep, scriptAddress } from '@peg/bitcoin';
import type { WithdrawalRequest } from '@peg/stacks-client';
import type { ReviewSweep, WithdrawalReview } from '@peg/wire';

/** The sweep decoded for a review (`walletAddress`: where the change goes). */
export function reviewSweepOf(
  sweep: Sweep,
  walletAddress: string,
  network: BtcNetwork,
): ReviewSweep {
  return {
    txid: sweep.txid,
    inputs: sweep.prevouts.map((p) => ({
      outpoint: `${p.txid}:${p.vout}`,
      amount: Number(p.amount),
    })),
    outputs: sweep.outputs.map((o) => ({
      kind: o.kind,
      address: o.kind === 'change' ? walletAddress : scriptAddress(o.script, network),
      amount: Number(o.amount),
      requestId: o.kind === 'withdrawal' ? Number(o.requestId) : null,
    })),
    fee: Number(sweep.fee),
    feeRate: Number(sweep.feeRateSatPerKvb) / 1000,
    ids: sweep.requests.map((r) => Number(r.id)),
  };
}

/** A pending review of `r`. */
export function reviewOf(
  r: WithdrawalRequest,
  o: {
    address: string;
    confirmations: number;
    now: number;
    deadline: number;
    rules: { rule: string; detail: string }[];
    sweep: ReviewSweep | null;
  },
): WithdrawalReview {
  return {
    requestId: Number(r.id),
    amount: Number(r.amount),
    maxFee: Number(r.maxFee),
    recipient: { version: r.recipient.version, hashbytes: r.recipient.hashbytes },
    sender: r.sender,
    blockHeight: Number(r.blockHeight),
    status: 'pending',
    decidedBy: null,
    reason: null,
    decidedAt: null,
    recipientAddress: o.address,
    confirmations: Math.max(0, o.confirmations),
    createdAt: o.now,
    deadline: o.deadline,
    rules: o.rules,
    sweep: o.sweep,
  };
}

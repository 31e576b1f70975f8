/**
 * The signer's answer to `check-policy`: a probe (a message that can never spend) is signed;
 * anything else must be a sweep this signer rebuilt and checked from its own view of the chains
 * (`checkSweep`), under the registry's current key, and every request it pays must pass the
 * operator's policy (`evaluatePolicy`: approve, or else reject / review / wait, each with the
 * rule's name). Every decision is recorded with its reason and streamed to the API.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { btcToSats, recipientAddress } from '@peg/bitcoin';
import {
  decideProbe,
  type PolicyDecision,
  type PolicyPort,
  type PolicyRequest,
  type SignerState,
} from '@peg/protocol';
import {
  btcNetworkOf,
  type HostLogger,
  type StacksView,
  WALLET_TWEAK,
  walletAddressOf,
  walletOutputKey,
} from '@peg/runtime';
import type { WithdrawalRequest } from '@peg/stacks-client';
import type { ReviewSweep } from '@peg/wire';
import { type BreakerState, checkBreaker } from '../policy/breaker.ts';
import { type CompiledPolicy, DAY_MS, evaluatePolicy } from '../policy/engine.ts';
import type { DecisionStore, Review, SweepDecision } from './decision-store.ts';
import { approvedElsewhere } from './paid-once.ts';
import { reviewOf, reviewSweepOf } from './review-facts.ts';
import { checkSweep, type SweepCheckDeps } from './sweep-check.ts';

export type SignerPolicyDeps = SweepCheckDeps & {
  network: 'bitcoin' | 'testnet' | 'regtest';
  decisions: DecisionStore;
  policy: () => CompiledPolicy;
  state: () => SignerState | undefined;
  view: () => StacksView | undefined;
  tipHeight: () => number | undefined;
  onDecision: (d: SweepDecision) => void;
  /** A review opened or decided (the API's event stream). */
  onReview: (r: Review) => void;
  logger: HostLogger;
  now?: () => number;
};

/** What every request of one decision is judged against. */
type JudgeContext = {
  now: number;
  policy: CompiledPolicy;
  approvals: { at: number; amount: bigint }[];
  breaker: BreakerState;
};

/** One request's outcome at this signer, with the rules' details. */
type Judgement = { outcome: 'approve' | 'reject' | 'review' | 'wait'; detail: string };

/** Why a policy answers no, in one kebab-case word plus a detail. */
type Refusal = { reason: string; detail: string };

export class SignerPolicy implements PolicyPort {
  readonly #d: SignerPolicyDeps;
  readonly #now: () => number;

  constructor(deps: SignerPolicyDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  async decide(request: PolicyRequest): Promise<PolicyDecision> {
    const probe = decideProbe(request);
    if (probe !== undefined) return probe;
    let txid: string | null = null;
    let outcome: { ok: true; messages: string[] } | ({ ok: false } & Refusal);
    try {
      const r = await this.#decideSweep(request);
      if (r.ok) txid = r.txid;
      outcome = r;
    } catch (err) {
      outcome = { ok: false, reason: 'check-failed', detail: String(err) };
    }
    const d = this.#d.decisions.record({
      at: this.#now(),
      signId: request.signId,
      txid,
      requestIds: request.withdrawalRequestIds.map(String),
      approved: outcome.ok,
      reason: outcome.ok ? null : outcome.reason,
      detail: outcome.ok ? null : outcome.detail,
    });
    this.#d.onDecision(d);
    if (!outcome.ok) {
      this.#d.logger.warn(
        {
          signId: request.signId,
          ids: d.requestIds,
          reason: outcome.reason,
          detail: outcome.detail,
        },
        'refused to sign a sweep',
      );
      return { approve: false, reason: `${outcome.reason}: ${outcome.detail}` };
    }
    this.#d.logger.info({ signId: request.signId, ids: d.requestIds, txid }, 'approved a sweep');
    return { approve: true, messages: outcome.messages, tweak: WALLET_TWEAK };
  }

  async #decideSweep(
    request: PolicyRequest,
  ): Promise<{ ok: true; messages: string[]; txid: string } | ({ ok: false } & Refusal)> {
    const refuse = (reason: string, detail: string) => ({ ok: false as const, reason, detail });
    const state = this.#d.state();
    const view = this.#d.view();
    const tipHeight = this.#d.tipHeight();
    if (state === undefined || view === undefined || tipHeight === undefined)
      return refuse('not-ready', 'this signer has no federation view yet');
    if (request.tweak.type !== 'taproot' || request.tweak.merkleRoot !== null)
      return refuse('wrong-key', 'a sweep spends the wallet by its key path');
    const key = [state.current, ...state.previous].find((k) => k?.dkgId === request.dkgId);
    if (key?.pub.groupKey !== view.aggregateKey)
      return refuse('wrong-key', `DKG ${request.dkgId} is not the registry's current key`);
    const walletKey = walletOutputKey(view.aggregateKey);
    const check = await checkSweep(this.#d, {
      unsignedTransaction: request.unsignedTransaction,
      ids: request.withdrawalRequestIds,
      walletKey,
      tipHeight,
    });
    if (!check.ok) return refuse(check.reason, check.detail);
    const twice = await approvedElsewhere(
      this.#d.bitcoin,
      this.#d.decisions,
      check.sweep,
      check.requests,
    );
    if (twice !== undefined) return refuse('request-approved-in-other-sweep', twice);

    const now = this.#now();
    const ctx = await this.#context(now, view.aggregateKey, check.requests);
    const sweep = reviewSweepOf(
      check.sweep,
      walletAddressOf(view.aggregateKey, this.#d.network),
      btcNetworkOf(this.#d.network),
    );
    // Every request is decided (and its review opened or refreshed), then the strictest outcome
    // answers for the sweep.
    const refusals: { outcome: 'reject' | 'wait' | 'review'; detail: string }[] = [];
    for (const r of check.requests) {
      const j = this.#judge(r, tipHeight, sweep, ctx);
      if (j.outcome !== 'approve') refusals.push({ outcome: j.outcome, detail: j.detail });
    }
    const worst = (['reject', 'wait', 'review'] as const).find((o) =>
      refusals.some((x) => x.outcome === o),
    );
    if (worst !== undefined)
      return refuse(
        `policy-${worst}`,
        refusals
          .filter((x) => x.outcome === worst)
          .map((x) => x.detail)
          .join(' | '),
      );
    this.#d.decisions.approve(check.requests, now);
    this.#d.decisions.approveSweep(
      check.sweep.txid,
      check.sweep.prevouts.map((p) => `${p.txid}:${p.vout}`),
      check.requests.map((r) => r.id),
      { at: now, height: tipHeight },
    );
    return { ok: true, messages: check.sweep.sighashes.map(bytesToHex), txid: check.sweep.txid };
  }

  /**
   * This signer's decision on one request outside any sweep: asked when a coordinator proposes
   * to reject it on Stacks. Judged (and its review opened or decided) as in a sweep.
   */
  async judgeRequest(r: WithdrawalRequest): Promise<Judgement['outcome'] | 'not-ready'> {
    const view = this.#d.view();
    const tipHeight = this.#d.tipHeight();
    if (view === undefined || tipHeight === undefined) return 'not-ready';
    const now = this.#now();
    const ctx = await this.#context(now, view.aggregateKey, [r]);
    return this.#judge(r, tipHeight, null, ctx).outcome;
  }

  /** What every request of one decision is judged against: approvals, the breaker, the clock. */
  async #context(
    now: number,
    aggregateKey: string,
    requests: readonly WithdrawalRequest[],
  ): Promise<JudgeContext> {
    const policy = this.#d.policy();
    const deciding = new Set(requests.map((r) => r.id.toString()));
    const approvals = this.#d.decisions.approvals(now - DAY_MS, deciding);
    const address = walletAddressOf(aggregateKey, this.#d.network);
    const utxos = await this.#d.bitcoin.listUnspent({ minConf: 0, addresses: [address] });
    const balance = utxos.reduce((s, u) => s + btcToSats(u.amount), 0n);
    const breaker = checkBreaker(policy, this.#d.decisions.breaker(), {
      now,
      walletBalance: balance,
      outflow24h: approvals.reduce((s, a) => s + a.amount, 0n),
      signerSetChangePercent: 0,
    });
    this.#d.decisions.setBreaker(breaker);
    this.#d.decisions.expireReviews(now, this.#d.onReview);
    return { now, policy, approvals, breaker };
  }

  /**
   * One request: a review already rejected stays rejected; otherwise the policy decides, and an
   * operator's acceptance answers only the rules that asked for review. A `review` opens (or
   * refreshes) the request's review; a `reject` is recorded as decided by the policy.
   */
  #judge(
    r: WithdrawalRequest,
    tipHeight: number,
    sweep: ReviewSweep | null,
    ctx: JudgeContext,
  ): Judgement {
    const review = this.#d.decisions.review(r.id);
    if (review?.status === 'rejected')
      return {
        outcome: 'reject',
        detail: `request ${r.id}: rejected by ${review.decidedBy}${review.reason ? `: ${review.reason}` : ''}`,
      };
    const network = btcNetworkOf(this.#d.network);
    const address = recipientAddress(
      { version: r.recipient.version, hashbytes: hexToBytes(r.recipient.hashbytes) },
      network,
    );
    const confirmations = tipHeight - Number(r.blockHeight);
    const result = evaluatePolicy(
      ctx.policy,
      {
        id: r.id,
        amount: r.amount,
        maxFee: r.maxFee,
        sender: r.sender,
        recipientAddress: address,
        confirmations,
      },
      { now: ctx.now, approvedVolume: ctx.approvals, breaker: ctx.breaker },
    );
    const outcome =
      result.outcome === 'review' && review?.status === 'accepted' ? 'approve' : result.outcome;
    const rules = result.rules.map((x) => `${x.rule}: ${x.detail}`).join('; ');
    if (outcome === 'approve') {
      ctx.approvals.push({ at: ctx.now, amount: r.amount });
      return { outcome, detail: '' };
    }
    if (outcome === 'review' || outcome === 'reject') {
      const opened = this.#d.decisions.openReview(
        reviewOf(r, {
          address,
          confirmations,
          now: ctx.now,
          deadline: ctx.now + ctx.policy.reviewDeadlineMs,
          rules: result.rules.map((x) => ({ rule: x.rule, detail: x.detail.slice(0, 500) })),
          sweep: sweep ?? review?.sweep ?? null,
        }),
      );
      if (review === undefined) this.#d.onReview(opened);
      if (outcome === 'reject') {
        const decided = this.#d.decisions.decideReview(r.id, {
          decision: 'reject',
          by: 'policy',
          reason: rules.slice(0, 280),
          at: ctx.now,
        });
        if (decided) this.#d.onReview(decided.review);
      }
    }
    return { outcome, detail: `request ${r.id}: ${rules}` };
  }
}

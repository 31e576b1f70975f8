/**
 * The signer's answer to `check-policy`: a probe (a message that can never spend) is signed;
 * anything else must be a sweep this signer rebuilt and checked from its own view of the chains
 * (`checkSweep`), under the registry's current key, and every request it pays must pass the
 * operator's policy (`evaluatePolicy`: approve, or else reject / review / wait, each with the
 * rule's name). Every decision is recorded with its reason and streamed to the API.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { recipientAddress } from '@peg/bitcoin';
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
import { checkBreaker } from '../policy/breaker.ts';
import { type CompiledPolicy, DAY_MS, evaluatePolicy } from '../policy/engine.ts';
import type { DecisionStore, SweepDecision } from './decision-store.ts';
import { approvedElsewhere } from './paid-once.ts';
import { checkSweep, type SweepCheckDeps } from './sweep-check.ts';

export type SignerPolicyDeps = SweepCheckDeps & {
  network: 'bitcoin' | 'testnet' | 'regtest';
  decisions: DecisionStore;
  policy: () => CompiledPolicy;
  state: () => SignerState | undefined;
  view: () => StacksView | undefined;
  tipHeight: () => number | undefined;
  onDecision: (d: SweepDecision) => void;
  logger: HostLogger;
  now?: () => number;
};

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
    const policy = this.#d.policy();
    const decided = new Set(check.requests.map((r) => r.id.toString()));
    const approvals = this.#d.decisions.approvals(now - DAY_MS, decided);
    const address = walletAddressOf(view.aggregateKey, this.#d.network);
    const utxos = await this.#d.bitcoin.listUnspent({ minConf: 0, addresses: [address] });
    const balance = utxos.reduce((s, u) => s + BigInt(Math.round(u.amount * 1e8)), 0n);
    const breaker = checkBreaker(policy, this.#d.decisions.breaker(), {
      now,
      walletBalance: balance,
      outflow24h: approvals.reduce((s, a) => s + a.amount, 0n),
      signerSetChangePercent: 0,
    });
    this.#d.decisions.setBreaker(breaker);
    const network = btcNetworkOf(this.#d.network);
    for (const r of check.requests) {
      const result = evaluatePolicy(
        policy,
        {
          id: r.id,
          amount: r.amount,
          maxFee: r.maxFee,
          sender: r.sender,
          recipientAddress: recipientAddress(
            { version: r.recipient.version, hashbytes: hexToBytes(r.recipient.hashbytes) },
            network,
          ),
          confirmations: tipHeight - Number(r.blockHeight),
        },
        { now, approvedVolume: approvals, breaker },
      );
      if (result.outcome !== 'approve') {
        const rules = result.rules.map((x) => `${x.rule}: ${x.detail}`).join('; ');
        return refuse(`policy-${result.outcome}`, `request ${r.id}: ${rules}`);
      }
      approvals.push({ at: now, amount: r.amount });
    }
    this.#d.decisions.approve(check.requests, now);
    this.#d.decisions.approveSweep(
      check.sweep.txid,
      check.sweep.prevouts.map((p) => `${p.txid}:${p.vout}`),
      check.requests.map((r) => r.id),
      { at: now, height: tipHeight },
    );
    return { ok: true, messages: check.sweep.sighashes.map(bytesToHex), txid: check.sweep.txid };
  }
}

/**
 * The signer's policy engine: per withdrawal request, approve, reject, hold for the operator's
 * review, or wait (refuse for now, decide again later). Pure: the facts of the request, the
 * signer's past approvals and the clock come in as arguments. The policy file's fields are in
 * docs/operations.md, "Policy file".
 * @module
 */
import type { SignerPolicyFile } from '@peg/wire';
import type { BreakerLimits, BreakerState } from './breaker.ts';

/** Every rule the engine applies, in the order their results are listed. */
export const RULE_NAMES = Object.freeze([
  'max-amount',
  'review-above',
  'daily-volume',
  'recipient-deny',
  'recipient-allow',
  'sender-deny',
  'min-confirmations',
  'circuit-breaker',
] as const);
export type RuleName = (typeof RULE_NAMES)[number];

export type Outcome = 'approve' | 'reject' | 'review' | 'wait';
/** What a rule with a choice does (the policy file's `...Action` fields). */
export type RuleAction = 'reject' | 'review';

/** A rule that did not approve: which, what it says, and why (numbers, addresses). */
export type RuleResult = Readonly<{
  rule: RuleName;
  outcome: Exclude<Outcome, 'approve'>;
  detail: string;
}>;

/** The decision, and every rule that did not approve (empty when approved). */
export type PolicyOutcome = Readonly<{ outcome: Outcome; rules: readonly RuleResult[] }>;

/** A withdrawal request as the engine sees it; the recipient already decoded to an address. */
export type RequestFacts = Readonly<{
  id: bigint;
  /** Sats; every amount rule and the daily volume look at this, not at `maxFee`. */
  amount: bigint;
  maxFee: bigint;
  /** The Stacks principal that made the request. */
  sender: string;
  recipientAddress: string;
  /** Blocks since the request was made. */
  confirmations: number;
}>;

/** One approval of this signer: when (ms) and how many sats. */
export type Approval = Readonly<{ at: number; amount: bigint }>;

export type PolicyContext = Readonly<{
  /** Milliseconds since the epoch. */
  now: number;
  /** This signer's approvals, any age: the engine keeps the last 24 h. */
  approvedVolume: readonly Approval[];
  breaker: BreakerState;
}>;

/** A limit in sats and what a request over it gets. */
export type Limit = Readonly<{ sats: bigint; action: RuleAction }>;

/** A policy file, normalized for evaluation: bigints, sets, null for a limit that is off. */
export type CompiledPolicy = Readonly<{
  maxAmount: Limit | null;
  reviewAbove: bigint | null;
  dailyVolumeCap: Limit | null;
  /** Empty: no allow list. */
  recipientAllow: ReadonlySet<string>;
  recipientUnlistedAction: RuleAction;
  recipientDeny: ReadonlySet<string>;
  senderDeny: ReadonlySet<string>;
  minConfirmations: number;
  breaker: BreakerLimits;
  /** How long a review waits for the operator before the caller counts it as a reject. */
  reviewDeadlineMs: number;
}>;

/** The rolling window of `dailyVolumeCap`. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * bech32 addresses are case-insensitive (BIP173) and base58 ones are not: bech32 compares in
 * lowercase, so a deny entry written in capitals still matches.
 */
export function normalizeAddress(address: string): string {
  return /^(?:bc|tb|bcrt)1/i.test(address) ? address.toLowerCase() : address;
}

/** A parsed policy file (`signerPolicyFile`), ready for `evaluatePolicy`. */
export function compilePolicy(p: SignerPolicyFile): CompiledPolicy {
  const limit = (sats: number | undefined, action: RuleAction): Limit | null =>
    sats === undefined ? null : Object.freeze({ sats: BigInt(sats), action });
  return Object.freeze({
    maxAmount: limit(p.maxAmountPerRequest, p.maxAmountAction),
    reviewAbove: p.reviewAbove === undefined ? null : BigInt(p.reviewAbove),
    dailyVolumeCap: limit(p.dailyVolumeCap, p.dailyVolumeAction),
    recipientAllow: new Set(p.recipients.allow.map(normalizeAddress)),
    recipientUnlistedAction: p.recipients.unlistedAction,
    recipientDeny: new Set(p.recipients.deny.map(normalizeAddress)),
    senderDeny: new Set(p.senders.deny),
    minConfirmations: p.minConfirmations,
    breaker: Object.freeze({
      maxWalletOutflowPercent: p.circuitBreaker.maxWalletOutflowPercent ?? null,
      maxSignerSetChangePercent: p.circuitBreaker.maxSignerSetChangePercent ?? null,
    }),
    reviewDeadlineMs: p.reviewDeadlineSeconds * 1000,
  });
}

/** Sats this signer approved in the 24 h up to `now`; an approval exactly 24 h old counts. */
export function volumeWithin24h(approvals: readonly Approval[], now: number): bigint {
  let sum = 0n;
  // A timestamp after `now` (a clock step back) counts: over-counting only holds a request.
  for (const a of approvals) if (now - a.at <= DAY_MS) sum += a.amount;
  return sum;
}

const RANK: Record<Outcome, number> = { approve: 0, review: 1, wait: 2, reject: 3 };

/**
 * The decision on one request: every rule runs, and the strictest outcome wins (reject > wait >
 * review > approve). Limits are inclusive: an amount exactly at a limit passes, one sat above
 * does not. While the breaker is tripped nothing is approved: the `circuit-breaker` rule says
 * `review`, and a request another rule rejects or defers is still rejected or deferred.
 */
export function evaluatePolicy(
  policy: CompiledPolicy,
  facts: RequestFacts,
  context: PolicyContext,
): PolicyOutcome {
  const { amount, sender, confirmations } = facts;
  const { now, breaker } = context;
  if (amount < 0n) throw new RangeError(`"amount" expected >= 0, got ${amount}`);
  // NaN would pass the confirmation check: refuse it instead.
  if (!Number.isSafeInteger(confirmations) || confirmations < 0)
    throw new RangeError(`"confirmations" expected an integer >= 0, got ${confirmations}`);
  if (!Number.isFinite(now)) throw new RangeError(`"now" expected a finite number, got ${now}`);

  const recipient = normalizeAddress(facts.recipientAddress);
  const rules: RuleResult[] = [];
  const add = (rule: RuleName, outcome: RuleResult['outcome'], detail: string) =>
    rules.push(Object.freeze({ rule, outcome, detail }));

  const { maxAmount, reviewAbove, dailyVolumeCap } = policy;
  if (maxAmount !== null && amount > maxAmount.sats)
    add(
      'max-amount',
      maxAmount.action,
      `amount ${amount} sat is above the per-request maximum of ${maxAmount.sats} sat`,
    );
  if (reviewAbove !== null && amount > reviewAbove)
    add(
      'review-above',
      'review',
      `amount ${amount} sat is above the review threshold of ${reviewAbove} sat`,
    );
  if (dailyVolumeCap !== null) {
    const approved = volumeWithin24h(context.approvedVolume, now);
    if (approved + amount > dailyVolumeCap.sats)
      add(
        'daily-volume',
        dailyVolumeCap.action,
        `${approved} sat approved in the last 24 h plus ${amount} sat is above the cap of ${dailyVolumeCap.sats} sat`,
      );
  }
  if (policy.recipientDeny.has(recipient))
    add('recipient-deny', 'reject', `recipient ${facts.recipientAddress} is on the deny list`);
  if (policy.recipientAllow.size > 0 && !policy.recipientAllow.has(recipient))
    add(
      'recipient-allow',
      policy.recipientUnlistedAction,
      `recipient ${facts.recipientAddress} is not on the allow list`,
    );
  if (policy.senderDeny.has(sender))
    add('sender-deny', 'reject', `sender ${sender} is on the deny list`);
  if (confirmations < policy.minConfirmations)
    add(
      'min-confirmations',
      'wait',
      `${confirmations} confirmations, the policy needs ${policy.minConfirmations}`,
    );
  if (breaker.tripped)
    add(
      'circuit-breaker',
      'review',
      `circuit breaker tripped (${breaker.rule}): ${breaker.reason}`,
    );

  let outcome: Outcome = 'approve';
  for (const r of rules) if (RANK[r.outcome] > RANK[outcome]) outcome = r.outcome;
  return Object.freeze({ outcome, rules: Object.freeze(rules) });
}

/**
 * The circuit breaker of the signer's policy: pure, time comes in as an argument. A breach of a
 * limit trips it, and it stays tripped until the operator resets it; while tripped,
 * `evaluatePolicy` approves nothing on its own (every request gets `review`). A breaker that
 * reset itself would let the cause that tripped it resume as soon as the numbers dipped.
 * @module
 */

/** The breaker's limits in percent (0-100); null: that limit is off. */
export type BreakerLimits = Readonly<{
  maxWalletOutflowPercent: number | null;
  maxSignerSetChangePercent: number | null;
}>;

/** Why a breaker tripped. */
export type BreakerRule = 'wallet-outflow' | 'signer-set-change';

/** Closed (requests are evaluated) or tripped (since `at`, ms, for `reason`). */
export type BreakerState =
  | Readonly<{ tripped: false }>
  | Readonly<{ tripped: true; at: number; reason: string; rule: BreakerRule }>;

/** What the breaker looks at, measured by the caller at `now` (ms). */
export type BreakerInput = Readonly<{
  now: number;
  /** The peg wallet's balance now, in sats. */
  walletBalance: bigint;
  /**
   * Sats the wallet paid out in the last 24 h, not counting the request being evaluated: the
   * breaker watches what the federation already did; one request's size is the business of
   * `maxAmountPerRequest` and `dailyVolumeCap`. A caller that wants the request counted adds its
   * amount here and takes it off `walletBalance`.
   */
  outflow24h: bigint;
  /** How much of the signer set changed (members removed or added, by weight), 0-100. */
  signerSetChangePercent: number;
}>;

const CLOSED: BreakerState = Object.freeze({ tripped: false });

// Percent limits may have decimals (12.5); compared in bigint at a millionth of a percent, so
// wallet amounts past 2^53 / 100 sats stay exact.
const PERCENT_SCALE = 1_000_000;

/** True when `part` is more than `percent` % of `whole`. */
function exceedsPercent(part: bigint, whole: bigint, percent: number): boolean {
  const scaled = BigInt(Math.round(percent * PERCENT_SCALE));
  return part * BigInt(100 * PERCENT_SCALE) > scaled * whole;
}

/**
 * The breaker after looking at `input`. A tripped breaker is returned as it is (same `at`,
 * `reason`); a closed one trips when the 24 h outflow is more than `maxWalletOutflowPercent` of
 * what the wallet held 24 h ago (`walletBalance + outflow24h`, deposits ignored), or the signer
 * set changed by more than `maxSignerSetChangePercent`. Exactly at a limit does not trip.
 */
export function checkBreaker(
  policy: Readonly<{ breaker: BreakerLimits }>,
  state: BreakerState,
  input: BreakerInput,
): BreakerState {
  const { now, walletBalance, outflow24h, signerSetChangePercent } = input;
  if (!Number.isFinite(now)) throw new RangeError(`"now" expected a finite number, got ${now}`);
  if (walletBalance < 0n)
    throw new RangeError(`"walletBalance" expected >= 0, got ${walletBalance}`);
  if (outflow24h < 0n) throw new RangeError(`"outflow24h" expected >= 0, got ${outflow24h}`);
  // NaN would compare false and never trip: refuse it instead.
  if (!(signerSetChangePercent >= 0 && signerSetChangePercent <= 100))
    throw new RangeError(
      `"signerSetChangePercent" expected a number in [0, 100], got ${signerSetChangePercent}`,
    );
  if (state.tripped) return state;
  const { maxWalletOutflowPercent: maxOutflow, maxSignerSetChangePercent: maxChange } =
    policy.breaker;
  const before = walletBalance + outflow24h;
  if (maxOutflow !== null && exceedsPercent(outflow24h, before, maxOutflow)) {
    const reason = `24 h outflow ${outflow24h} sat of ${before} sat held 24 h ago is above ${maxOutflow}%`;
    return Object.freeze({ tripped: true, at: now, reason, rule: 'wallet-outflow' });
  }
  if (maxChange !== null && signerSetChangePercent > maxChange) {
    const reason = `signer set changed by ${signerSetChangePercent}%, above ${maxChange}%`;
    return Object.freeze({ tripped: true, at: now, reason, rule: 'signer-set-change' });
  }
  return state;
}

/** The operator's reset: a closed breaker, whatever tripped it. */
export function resetBreaker(): BreakerState {
  return CLOSED;
}

/**
 * The coordinator of the weighted layer: collects every party's shares and aggregates them with
 * the core (`src/sign/aggregate.ts`): optimistic per message (one final-signature check), and
 * only on failure one random-weight MSM over all shares and a bisection naming the culprits.
 * @module
 */
import { InvalidSessionError } from '../errors.ts';
import type { Point } from '../math/point.ts';
import { LagrangeCache } from '../math/polynomial.ts';
import { N } from '../math/scalar.ts';
import { type RNG, randomBytesFrom } from '../random.ts';
import { aggregateRound, type RoundOutcome } from '../sign/aggregate.ts';
import type { Layout } from './layout.ts';
import { packageRound, type SignMode } from './signing.ts';
import type { SignatureShares, SigningPackage } from './signing-messages.ts';

/** What the coordinator knows: the layout, the group key and (for finding culprits) Y_k. */
export interface CoordinatorKey {
  readonly layout: Layout;
  readonly groupKey: Point;
  /** Y_k = x_k·G for every key id (checked with `verifyKeyIdPublicShares`). */
  readonly keyIdPublicShares?: ReadonlyMap<number, Point>;
}

/** The signatures, or the parties at fault (`culprits`: party ids) and the failed messages. */
export type AggregateOutcome = RoundOutcome;

export interface AggregateOptions {
  /** Randomness mixed into the batch weights of a share check. */
  readonly random: RNG;
  /** Reuse λ across rounds with the same signing set. */
  readonly lagrange?: LagrangeCache;
  /** Also check every share (one batched MSM per message) even when the signature verifies. */
  readonly verifyShares?: boolean;
}

// λ per signing set, kept per layout when the caller brings no cache of its own.
const defaultCaches = new WeakMap<Layout, LagrangeCache>();

function cacheFor(layout: Layout): LagrangeCache {
  let c = defaultCaches.get(layout);
  if (!c) {
    c = new LagrangeCache();
    defaultCaches.set(layout, c);
  }
  return c;
}

/**
 * Coordinator: z = Σ_p z_p per message, then one final-signature verification (optimistic path).
 * Only for a message whose signature fails are the shares checked: all at once with per-party
 * weights (one MSM), then by bisection to name the culprits. A party in the package without a
 * response is a culprit too.
 */
export function aggregate(
  key: CoordinatorKey,
  mode: SignMode,
  pkg: SigningPackage,
  responses: readonly SignatureShares[],
  opts: AggregateOptions,
): AggregateOutcome {
  const { layout } = key;
  const round = packageRound(layout, key.groupKey, mode, pkg);
  const partyIds = pkg.commitments.map((c) => c.partyId);
  const m = pkg.messages.length;
  const byParty = new Map<number, readonly bigint[]>();
  for (const r of responses) {
    if (!partyIds.includes(r.partyId))
      throw new InvalidSessionError(`shares from party ${r.partyId}, which is not in the package`);
    if (byParty.has(r.partyId))
      throw new InvalidSessionError(`two responses from party ${r.partyId}`);
    if (
      !Array.isArray(r.shares) ||
      r.shares.length !== m ||
      r.shares.some((z) => typeof z !== 'bigint' || z < 0n || z >= N)
    )
      throw new InvalidSessionError(`party ${r.partyId} must send one share in [0, n) per message`);
    byParty.set(r.partyId, r.shares);
  }
  const missing = partyIds.filter((id) => !byParty.has(id));
  if (missing.length > 0)
    return { ok: false, culprits: missing, failedMessages: pkg.messages.map((_, i) => i) };
  const Y = key.keyIdPublicShares;
  const out = aggregateRound(
    round,
    partyIds.map((id) => byParty.get(id)!),
    {
      verifyingShare: (k) => {
        if (!Y) throw new RangeError('key-id public shares are needed to check signature shares');
        const y = Y.get(Number(k));
        if (!y) throw new InvalidSessionError(`no public share for key id ${k}`);
        return y;
      },
      verifyShares: opts.verifyShares === true,
      entropy: randomBytesFrom(opts.random, 32),
      lagrange: opts.lagrange ?? cacheFor(layout),
    },
  );
  if (out.ok) return out;
  if (out.culprits.length === 0)
    throw new InvalidSessionError(
      'signature fails but every share verifies: key-id public shares do not match the group key',
    );
  return {
    ok: false,
    culprits: out.culprits.map((i) => partyIds[i]!),
    failedMessages: out.failedMessages,
  };
}

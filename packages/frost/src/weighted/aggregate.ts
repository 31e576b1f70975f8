import { msm } from '../math/msm.ts';
import { mulBasePublic, mulPublic } from '../math/point.ts';
import { G, N, type Point, type RandomBytes, randomWeight } from './encoding.ts';
import { WeightedError } from './errors.ts';
import { LagrangeCache } from './lagrange.ts';
import { getParty, type Layout } from './layout.ts';
import { checkPackage, type MessageRound, messageRound } from './round-math.ts';
import { keyTable, type SigningContext, type SignMode, signingContext } from './signing-context.ts';
import type { SignatureShares, SigningPackage } from './signing-messages.ts';

/** What the coordinator knows: the layout, the group key and (for finding culprits) Y_k. */
export interface CoordinatorKey {
  readonly layout: Layout;
  readonly groupKey: Point;
  /** Y_k = x_k·G for every key id (checked with `verifyKeyIdPublicShares`). */
  readonly keyIdPublicShares?: ReadonlyMap<number, Point>;
}

export type AggregateOutcome =
  | { readonly ok: true; readonly signatures: readonly Uint8Array[] }
  | {
      readonly ok: false;
      /** Parties whose shares are invalid or missing, ascending. */
      readonly culprits: readonly number[];
      /** Indices of the messages whose signature failed. */
      readonly failedMessages: readonly number[];
    };

export interface AggregateOptions {
  readonly random: RandomBytes;
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
    c = new LagrangeCache(layout.totalKeys);
    defaultCaches.set(layout, c);
  }
  return c;
}

/** z·G − c·key == R (the even-y R for taproot), with the key's precomputed table. */
function verifyFinal(ctx: SigningContext, round: MessageRound, z: bigint): boolean {
  const R = round.nonceSign === 1n ? round.R : round.R.negate();
  return mulBasePublic(z)
    .add(mulPublic(keyTable(ctx), N - round.c))
    .equals(R);
}

/**
 * Coordinator: z = Σ_p z_p per message, then one final-signature verification (optimistic path).
 * Only for a message whose signature fails are the shares checked: first all at once with
 * per-party random weights (one MSM), then party by party to name the culprits.
 */
export function aggregate(
  key: CoordinatorKey,
  mode: SignMode,
  pkg: SigningPackage,
  responses: readonly SignatureShares[],
  opts: AggregateOptions,
): AggregateOutcome {
  const { layout } = key;
  const { partyIds, signingKeyIds } = checkPackage(layout, pkg);
  const m = pkg.messages.length;
  const byParty = new Map<number, readonly bigint[]>();
  const missing: number[] = [];
  for (const r of responses) {
    if (!partyIds.includes(r.partyId))
      throw new WeightedError(
        'INVALID_INPUT',
        `shares from party ${r.partyId}, which is not in the package`,
      );
    if (byParty.has(r.partyId))
      throw new WeightedError('INVALID_INPUT', `two responses from party ${r.partyId}`);
    if (
      !Array.isArray(r.shares) ||
      r.shares.length !== m ||
      r.shares.some((z) => typeof z !== 'bigint' || z < 0n || z >= N)
    ) {
      throw new WeightedError(
        'INVALID_INPUT',
        `party ${r.partyId} must send one share in [0, n) per message`,
      );
    }
    byParty.set(r.partyId, r.shares);
  }
  for (const id of partyIds) if (!byParty.has(id)) missing.push(id);
  if (missing.length > 0)
    return { ok: false, culprits: missing, failedMessages: pkg.messages.map((_, i) => i) };

  const ctx = signingContext(key.groupKey, mode);
  const signatures: Uint8Array[] = [];
  const culprits = new Set<number>();
  const failed: number[] = [];
  for (let i = 0; i < m; i++) {
    const round = messageRound(ctx, pkg, i);
    let z = 0n;
    for (const id of partyIds) z += (byParty.get(id) as readonly bigint[])[i] as bigint;
    z %= N;
    const good = verifyFinal(ctx, round, z);
    if (good && !opts.verifyShares) {
      signatures.push(ctx.suite.encodeSignature(round.R, z));
      continue;
    }
    const bad = findBadShares(key, ctx, pkg, i, round, partyIds, signingKeyIds, byParty, opts);
    if (good && bad.length === 0) {
      signatures.push(ctx.suite.encodeSignature(round.R, z));
      continue;
    }
    if (bad.length === 0)
      throw new WeightedError(
        'INVALID_STATE',
        'signature fails but every share verifies: key-id public shares do not match the group key',
      );
    for (const id of bad) culprits.add(id);
    failed.push(i);
  }
  if (failed.length > 0)
    return { ok: false, culprits: [...culprits].sort((a, b) => a - b), failedMessages: failed };
  return { ok: true, signatures };
}

/**
 * Share check for one message: z_p·G == ±(D_p + ρ_p·E_p) + c·Σ_{k∈K_p} λ_k·(scale·Y_k + offset·G).
 * All parties in one MSM with independent random weights r_p (a plain sum would let two bad
 * shares cancel: OS-STS-ADV-02); on failure, bisection over the parties names the culprits.
 */
function findBadShares(
  key: CoordinatorKey,
  ctx: SigningContext,
  pkg: SigningPackage,
  index: number,
  round: MessageRound,
  partyIds: readonly number[],
  signingKeyIds: readonly number[],
  byParty: ReadonlyMap<number, readonly bigint[]>,
  opts: AggregateOptions,
): number[] {
  const Y = key.keyIdPublicShares;
  if (!Y)
    throw new WeightedError(
      'INVALID_INPUT',
      'key-id public shares are needed to check signature shares',
    );
  const lambdas = (opts.lagrange ?? cacheFor(key.layout)).get(signingKeyIds);
  const { c, nonceSign } = round;
  const terms = (
    ids: readonly number[],
    weights: readonly bigint[],
  ): { points: Point[]; scalars: bigint[] } => {
    const points: Point[] = [G];
    const scalars: bigint[] = [0n];
    let g = 0n;
    ids.forEach((id, j) => {
      const w = weights[j] as bigint;
      const p = pkg.commitments.findIndex((cm) => cm.partyId === id);
      const pair = (pkg.commitments[p] as { pairs: readonly { hiding: Point; binding: Point }[] })
        .pairs[index] as { hiding: Point; binding: Point };
      const wn = (w * nonceSign) % N;
      points.push(pair.hiding, pair.binding);
      scalars.push(N - wn, (N - ((wn * (round.rhos[p] as bigint)) % N)) % N);
      let sumL = 0n;
      for (const k of getParty(key.layout, id).keyIds) {
        const l = lambdas.get(k) as bigint;
        const Yk = Y.get(k);
        if (!Yk) throw new WeightedError('INVALID_INPUT', `no public share for key id ${k}`);
        sumL += l;
        points.push(Yk);
        scalars.push((N - ((((((w * c) % N) * l) % N) * ctx.scale) % N)) % N);
      }
      g +=
        w * (byParty.get(id) as readonly bigint[])[index]! -
        ((w * c) % N) * ((ctx.offset * (sumL % N)) % N);
    });
    scalars[0] = ((g % N) + N) % N;
    return { points, scalars };
  };
  const weights = new Map(partyIds.map((id) => [id, randomWeight(opts.random)]));
  const fails = (ids: readonly number[]): boolean => {
    const t = terms(
      ids,
      ids.map((id) => weights.get(id) as bigint),
    );
    return !msm(t.points, t.scalars).is0();
  };
  if (!fails(partyIds)) return [];
  // Bisection with the same weights: if the left half passes, the right half must fail. One bad
  // share costs about two MSMs of the full size instead of one small MSM per party.
  const bad: number[] = [];
  const bisect = (ids: readonly number[]): void => {
    if (ids.length === 1) {
      bad.push(ids[0] as number);
      return;
    }
    const half = ids.length >> 1;
    const left = ids.slice(0, half);
    const right = ids.slice(half);
    if (fails(left)) {
      bisect(left);
      if (fails(right)) bisect(right);
    } else bisect(right);
  };
  bisect(partyIds);
  return bad.sort((a, b) => a - b);
}

import { msm } from '../math/msm.ts';
import { concat, hasEvenY, N, type Point, Point as PointCons, scalarToBytes } from './encoding.ts';
import { WeightedError } from './errors.ts';
import { keyIdsOf, type Layout } from './layout.ts';
import type { SigningContext } from './signing-context.ts';
import { commitmentBytes, type SigningPackage } from './signing-messages.ts';

/**
 * The per-message values every party and the coordinator derive from a signing package,
 * exactly as RFC 9591 computes them over parties (the weighted part is only in the shares):
 *   ρ_p = H1(key ‖ H4(msg) ‖ H5(list) ‖ id_p), list = Σ id_p ‖ D_p ‖ E_p sorted by id,
 *   R = Σ_p D_p + ρ_p·E_p, c = challenge(R, key, msg).
 */
export interface MessageRound {
  readonly rhos: readonly bigint[];
  /** The group commitment as computed (before any even-y normalisation). */
  readonly R: Point;
  /** 1 or n−1: taproot signers negate their nonces when R has odd y. */
  readonly nonceSign: bigint;
  readonly c: bigint;
}

export interface CheckedPackage {
  readonly partyIds: readonly number[];
  /** Key ids of all parties in the package, ascending: the Lagrange set. */
  readonly signingKeyIds: readonly number[];
}

export function checkPackage(layout: Layout, pkg: SigningPackage): CheckedPackage {
  if (
    pkg === null ||
    typeof pkg !== 'object' ||
    !Array.isArray(pkg.messages) ||
    !Array.isArray(pkg.commitments)
  ) {
    throw new WeightedError('INVALID_INPUT', 'signing package must have messages and commitments');
  }
  const m = pkg.messages.length;
  if (m === 0) throw new WeightedError('INVALID_INPUT', 'signing package has no messages');
  for (const msg of pkg.messages)
    if (!(msg instanceof Uint8Array))
      throw new WeightedError('INVALID_INPUT', 'messages must be bytes');
  const partyIds: number[] = [];
  let prev = 0;
  for (const c of pkg.commitments) {
    if (!layout.partyById.has(c?.partyId))
      throw new WeightedError('INVALID_INPUT', `party ${String(c?.partyId)} is not in the layout`);
    if (c.partyId <= prev)
      throw new WeightedError(
        'INVALID_INPUT',
        'commitments must be sorted by party id without duplicates',
      );
    prev = c.partyId;
    if (!Array.isArray(c.pairs) || c.pairs.length !== m) {
      throw new WeightedError(
        'INVALID_INPUT',
        `party ${c.partyId} must commit one nonce pair per message (${m})`,
      );
    }
    for (const p of c.pairs) {
      if (p.hiding.is0() || p.binding.is0())
        throw new WeightedError('INVALID_INPUT', `party ${c.partyId} committed the identity`);
    }
    partyIds.push(c.partyId);
  }
  const signingKeyIds = keyIdsOf(layout, partyIds);
  if (signingKeyIds.length < layout.threshold) {
    throw new WeightedError(
      'INSUFFICIENT_SIGNERS',
      `the signing parties hold ${signingKeyIds.length} key ids, the threshold is ${layout.threshold}`,
    );
  }
  return { partyIds, signingKeyIds };
}

export function messageRound(
  ctx: SigningContext,
  pkg: SigningPackage,
  index: number,
): MessageRound {
  const { suite } = ctx;
  const msg = pkg.messages[index] as Uint8Array;
  const list: Uint8Array[] = [];
  const ids: Uint8Array[] = [];
  for (const c of pkg.commitments) {
    const pair = c.pairs[index];
    if (!pair)
      throw new WeightedError(
        'INVALID_INPUT',
        `party ${c.partyId} has no nonce pair for message ${index}`,
      );
    const id = scalarToBytes(BigInt(c.partyId));
    ids.push(id);
    list.push(id, commitmentBytes(pair.hiding), commitmentBytes(pair.binding));
  }
  const prefix = concat(commitmentBytes(ctx.key), suite.H4(msg), suite.H5(concat(...list)));
  const buf = new Uint8Array(prefix.length + 32);
  buf.set(prefix, 0);
  const rhos = ids.map((id) => {
    buf.set(id, prefix.length);
    return suite.H1(buf);
  });
  let D: Point = PointCons.ZERO;
  const Es: Point[] = [];
  pkg.commitments.forEach((c) => {
    const pair = c.pairs[index] as { hiding: Point; binding: Point };
    D = D.add(pair.hiding);
    Es.push(pair.binding);
  });
  const R = D.add(msm(Es, rhos as bigint[]));
  if (R.is0()) throw new WeightedError('INVALID_INPUT', 'group commitment is the identity');
  const nonceSign = ctx.taproot && !hasEvenY(R) ? N - 1n : 1n;
  return { rhos, R, nonceSign, c: suite.challenge(R, ctx.key, msg) };
}

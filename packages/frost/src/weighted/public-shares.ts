/**
 * Key-id public shares Y_k = x_k·G = Σ_i k^i·A_i (A = the group polynomial's commitments).
 * Deriving one costs an MSM of T points; deriving all K costs K of them (~1,600 s at
 * K = 4000, T = 2800). Instead each owner publishes its own Y_k and everyone checks all of them
 * at once: the Y_k are evaluations of one polynomial of degree < T iff, at a random z,
 *   Σ_k L_k(z)·Y_k == Σ_i z^i·A_i,  L_k = the Lagrange basis over key ids 1..K,
 * one MSM of K + T points. A wrong set passes with probability <= K/n (Schwartz-Zippel).
 * @module
 */
import { InvalidSessionError } from '../errors.ts';
import { batchWeights } from '../math/batch.ts';
import { msm } from '../math/msm.ts';
import type { Point } from '../math/point.ts';
import { powers, weightedPowers } from '../math/polynomial.ts';
import { invertBatch, N } from '../math/scalar.ts';
import { type RNG, randomBytesFrom, randomScalar } from '../random.ts';
import type { Layout } from './layout.ts';

export function deriveKeyIdPublicShare(groupCommitments: readonly Point[], keyId: number): Point {
  // Key id 0 would silently return the group key (the constant term).
  if (!Number.isSafeInteger(keyId) || keyId < 1)
    throw new RangeError('key id must be a positive integer');
  if (groupCommitments.length === 0) throw new RangeError('group commitments are empty');
  return msm(groupCommitments, powers(BigInt(keyId), groupCommitments.length));
}

export type PublicSharesCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly culprits: readonly number[] };

/**
 * Checks every key id's published public share against the group polynomial with one MSM.
 * On failure, checks each owner's shares alone (one random-weight MSM per party) and names the
 * owners that published a wrong one.
 */
export function verifyKeyIdPublicShares(
  layout: Layout,
  groupCommitments: readonly Point[],
  shares: ReadonlyMap<number, Point>,
  random: RNG,
): PublicSharesCheck {
  const K = layout.totalKeys;
  const T = groupCommitments.length;
  if (T !== layout.threshold)
    throw new InvalidSessionError('group commitments do not match the threshold');
  const missing = new Set<number>();
  for (let k = 1; k <= K; k++) {
    const Y = shares.get(k);
    if (!Y || Y.is0()) missing.add(layout.ownerOf[k] as number);
  }
  if (missing.size > 0) return { ok: false, culprits: [...missing].sort((a, b) => a - b) };
  // z random, not a key id (probability ~K/n of a retry).
  let z = randomScalar(random);
  while (z <= BigInt(K)) z = randomScalar(random);
  // L_k(z) = W(z) / ((z − k)·d_k), W(z) = Π_j (z − j), d_k = Π_{j≠k} (k − j) = (−1)^(K−k)·(k−1)!·(K−k)!
  const fact = new Array<bigint>(K + 1);
  fact[0] = 1n;
  for (let i = 1; i <= K; i++) fact[i] = ((fact[i - 1] as bigint) * BigInt(i)) % N;
  let W = 1n;
  const dens = new Array<bigint>(K);
  for (let k = 1; k <= K; k++) {
    const zk = (z - BigInt(k)) % N;
    W = (W * zk) % N;
    let d = ((fact[k - 1] as bigint) * (fact[K - k] as bigint)) % N;
    if ((K - k) % 2 === 1) d = (N - d) % N;
    dens[k - 1] = (zk * d) % N;
  }
  const inv = invertBatch(dens);
  const points: Point[] = [];
  const scalars: bigint[] = [];
  for (let k = 1; k <= K; k++) {
    points.push(shares.get(k) as Point);
    scalars.push((W * (inv[k - 1] as bigint)) % N);
  }
  const zp = powers(z, T);
  for (let i = 0; i < T; i++) {
    points.push(groupCommitments[i] as Point);
    scalars.push((N - (zp[i] as bigint)) % N);
  }
  if (msm(points, scalars).is0()) return { ok: true };
  const culprits: number[] = [];
  const entropy = randomBytesFrom(random, 32);
  for (const p of layout.parties) {
    const keyIds = p.keyIds.map(BigInt);
    const r = batchWeights(keyIds.length, [
      entropy,
      ...keyIds.map((k) => shares.get(Number(k))!.toBytes(true)),
    ]);
    const w = weightedPowers(keyIds, r, T);
    const pts: Point[] = [...groupCommitments];
    const sc: bigint[] = w.map((x) => (N - x) % N);
    p.keyIds.forEach((k, j) => {
      pts.push(shares.get(k) as Point);
      sc.push(r[j] as bigint);
    });
    if (!msm(pts, sc).is0()) culprits.push(p.id);
  }
  if (culprits.length === 0)
    throw new InvalidSessionError('public-share check failed but no owner did');
  return { ok: false, culprits };
}

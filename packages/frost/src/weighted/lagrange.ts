import { invertBatch } from '../math/scalar.ts';
import { N } from './encoding.ts';
import { WeightedError } from './errors.ts';
import { SmallProduct } from './poly.ts';

/**
 * Lagrange coefficients at x = 0 over a signing set of key ids:
 * λ_k = Π_{j∈S, j≠k} j / (j − k). Key ids are small integers, so products run on floats folded
 * into BigInt (SmallProduct), and when the set is most of 1..K the denominator is taken as
 * (k−1)!(K−k)! divided by the product over the few missing ids: O(|S|·min(|S|, K−|S|)).
 */
export function lagrangeCoefficients(
  signingSet: readonly number[],
  targets: readonly number[],
  totalKeys: number,
): bigint[] {
  if (!Number.isSafeInteger(totalKeys) || totalKeys < 1)
    throw new WeightedError('INVALID_INPUT', 'totalKeys must be a positive integer');
  const S = signingSet;
  // A key id 0, out of range or repeated would give wrong coefficients without any error.
  const inSet = new Uint8Array(totalKeys + 1);
  for (const j of S) {
    if (!Number.isSafeInteger(j) || j < 1 || j > totalKeys)
      throw new WeightedError('INVALID_INPUT', `key id ${String(j)} is not in [1, ${totalKeys}]`);
    if (inSet[j] === 1) throw new WeightedError('INVALID_INPUT', `key id ${j} appears twice`);
    inSet[j] = 1;
  }
  for (const k of targets)
    if (!Number.isSafeInteger(k) || inSet[k] !== 1)
      throw new WeightedError('INVALID_INPUT', `key id ${String(k)} is not in the signing set`);
  const pS = new SmallProduct();
  for (const j of S) pS.mul(j);
  const prodS = pS.value();
  const missing: number[] = [];
  for (let m = 1; m <= totalKeys; m++) if (inSet[m] === 0) missing.push(m);
  const useMissing = missing.length < S.length - 1;
  const fact = useMissing ? factorials(totalKeys) : [];
  const nums: bigint[] = [];
  const dens: bigint[] = [];
  for (const k of targets) {
    let negative = false;
    if (useMissing) {
      // Π_{j∈1..K, j≠k} (j−k) = (−1)^(k−1)·(k−1)!·(K−k)!; divide out the missing ids.
      negative = (k - 1) % 2 === 1;
      const miss = new SmallProduct();
      for (const m of missing) {
        if (m < k) negative = !negative;
        miss.mul(Math.abs(m - k));
      }
      nums.push((prodS * miss.value()) % N);
      dens.push(
        (((BigInt(k) * (fact[k - 1] as bigint)) % N) * (fact[totalKeys - k] as bigint)) % N,
      );
    } else {
      const den = new SmallProduct();
      for (const j of S) {
        if (j === k) continue;
        if (j < k) negative = !negative;
        den.mul(Math.abs(j - k));
      }
      nums.push(prodS);
      dens.push((BigInt(k) * den.value()) % N);
    }
    if (negative) nums[nums.length - 1] = (N - (nums[nums.length - 1] as bigint)) % N;
  }
  const inv = invertBatch(dens);
  return nums.map((num, i) => (num * (inv[i] as bigint)) % N);
}

const factCache: bigint[] = [1n];

/** i! mod n for i <= upTo, memoised (a party signing at K = 4000 needs them every round). */
function factorials(upTo: number): readonly bigint[] {
  while (factCache.length <= upTo) {
    const i = factCache.length;
    factCache.push(((factCache[i - 1] as bigint) * BigInt(i)) % N);
  }
  return factCache;
}

/**
 * Per-signing-set cache of all λ_k (a coordinator verifying shares, or a party signing many
 * rounds with the same set, computes them once). Bounded: oldest set evicted first.
 */
export class LagrangeCache {
  private readonly sets = new Map<string, ReadonlyMap<number, bigint>>();
  readonly totalKeys: number;
  readonly capacity: number;
  constructor(totalKeys: number, capacity = 16) {
    this.totalKeys = totalKeys;
    this.capacity = capacity;
  }

  /** All λ_k for the sorted signing set S. */
  get(signingSet: readonly number[]): ReadonlyMap<number, bigint> {
    const key = signingSet.join(',');
    const hit = this.sets.get(key);
    if (hit) return hit;
    const lambdas = lagrangeCoefficients(signingSet, signingSet, this.totalKeys);
    const map = new Map<number, bigint>();
    signingSet.forEach((k, i) => {
      map.set(k, lambdas[i] as bigint);
    });
    if (this.sets.size >= this.capacity) {
      const oldest = this.sets.keys().next().value;
      if (oldest !== undefined) this.sets.delete(oldest);
    }
    this.sets.set(key, map);
    return map;
  }
}

/**
 * Polynomials over the scalar field and "in the exponent" (coefficients given as points), and
 * Lagrange coefficients at x = 0: the one implementation of each, for identifiers of any size
 * (RFC 9591, ZF big identifiers) and for the small key ids of the weighted layer, which take
 * faster paths (delayed reduction, products on floats, the missing-ids trick).
 * Identifiers (key ids) are non-zero scalars, not indexes.
 * @module
 */
import { hornerSmall } from './jacobian.ts';
import { msm } from './msm.ts';
import { type Point, ZERO } from './point.ts';
import { invertBatch, mul, N, sub } from './scalar.ts';

/** Below this an evaluation point takes the delayed-reduction path of `evaluate`. */
const SMALL_X = 1n << 32n;

/**
 * f(x) = Σ coeffs[j]·x^j mod n by Horner's rule. For x < 2^32 (key ids, small identifiers) the
 * accumulator grows by bitlen(x) bits per step and is reduced only every ~384/bitlen(x) steps
 * (2.6× faster than reducing every step for a dealer at threshold 2800).
 */
export function evaluate(coeffs: readonly bigint[], x: bigint): bigint {
  if (x < 0n || x >= N) throw new RangeError('evaluation point out of range');
  let acc = 0n;
  if (x >= SMALL_X) {
    for (let j = coeffs.length - 1; j >= 0; j--) acc = (acc * x + coeffs[j]!) % N;
    return acc;
  }
  const every = Math.max(1, Math.floor(384 / Math.max(1, x.toString(2).length)));
  let c = 0;
  for (let j = coeffs.length - 1; j >= 0; j--) {
    acc = acc * x + coeffs[j]!;
    if (++c === every) {
      acc %= N;
      c = 0;
    }
  }
  return acc % N;
}

/** Ids at or below this bound are evaluated in the exponent by Horner with small multipliers. */
const SMALL_ID = 1n << 16n;

/**
 * Σ commitments[j]·x^j: the VSS evaluation of RFC 9591 Appendix C.2. For small x (the usual
 * 1..n identifiers) Horner's rule costs about 1.5·log2(x) point operations per coefficient,
 * far below an MSM with full-size powers x^j mod n; large (derived) ids use the MSM.
 * Public data only (variable time).
 */
export function evaluateInExponent(commitments: readonly Point[], x: bigint): Point {
  const t = commitments.length;
  if (t === 0) return ZERO;
  if (x > 0n && x < SMALL_ID) return hornerSmall(commitments, Number(x));
  return msm(commitments, powers(x, t));
}

/** Powers 1, z, z², …, z^(length−1) mod n. */
export function powers(z: bigint, length: number): bigint[] {
  const out = new Array<bigint>(length);
  let p = 1n;
  for (let i = 0; i < length; i++) {
    out[i] = p;
    p = (p * z) % N;
  }
  return out;
}

/**
 * Weights of a random-linear-combination check over evaluation points xs with weights rs:
 * w_i = Σ_j r_j·xs_j^i for i < length, so that Σ_j r_j·f(xs_j) = Σ_i w_i·a_i for any f of
 * `length` coefficients a_i.
 */
export function weightedPowers(
  xs: readonly bigint[],
  rs: readonly bigint[],
  length: number,
): bigint[] {
  const w = new Array<bigint>(length).fill(0n);
  for (let j = 0; j < xs.length; j++) {
    const x = xs[j]!;
    let p = rs[j]!;
    for (let i = 0; i < length; i++) {
      w[i] = w[i]! + p;
      p = (p * x) % N;
    }
  }
  for (let i = 0; i < length; i++) w[i] = w[i]! % N;
  return w;
}

/** Throws unless `ids` are distinct and non-zero. */
export function assertDistinctNonZero(ids: readonly bigint[]): void {
  const seen = new Set<bigint>();
  for (const id of ids) {
    if (id === 0n) throw new RangeError('identifier is zero');
    if (seen.has(id)) throw new RangeError('duplicate identifier');
    seen.add(id);
  }
}

/**
 * λ_i = Π_{j≠i} x_j / (x_j − x_i): the Lagrange coefficient at 0 of `xi` over the set `ids`
 * (RFC 9591 §4.2 derive_interpolating_value).
 */
export function lagrangeCoefficient(ids: readonly bigint[], xi: bigint): bigint {
  return lagrangeCoefficients(ids, [xi])[0]!;
}

/** Products below this stay exact in a float (2^53), so small ids multiply without BigInt. */
const FLOAT_EXACT = 9007199254740992;
/** Ids below this take the small-integer path (every |x_j − x_i| fits a float factor). */
const SMALL_LAGRANGE = 1n << 26n;

/**
 * The Lagrange coefficients at 0 over the set `ids` of every id in `targets` (default: all of
 * `ids`, same order), with one batch inversion. Throws on a zero or repeated id in `ids`, or a
 * target not in `ids`.
 *
 * Generic ids: O(|ids|·|targets|) multiplications. Small ids (the weighted layer's key ids, the
 * usual 1..n identifiers): products run on floats folded into BigInt, and when the set is most
 * of 1..max the denominator Π_{j≠k} (j − k) is taken as ±(k−1)!·(max−k)! divided by the product
 * over the few missing ids: O(|targets|·min(|ids|, max − |ids|)).
 */
export function lagrangeCoefficients(
  ids: readonly bigint[],
  targets: readonly bigint[] = ids,
): bigint[] {
  assertDistinctNonZero(ids);
  const inSet = new Set(ids);
  for (const t of targets) if (!inSet.has(t)) throw new RangeError('identifier not in the set');
  let max = 0n;
  for (const x of ids) if (x > max) max = x;
  if (max < SMALL_LAGRANGE) return smallLagrange(ids.map(Number), targets.map(Number), Number(max));
  let prod = 1n;
  for (const x of ids) prod = mul(prod, x);
  const dens = targets.map((xi) => {
    let den = xi; // the numerator Π_{j≠i} x_j = prod / x_i: fold x_i into the denominator
    for (const x of ids) if (x !== xi) den = mul(den, sub(x, xi));
    return den;
  });
  return invertBatch(dens).map((d) => mul(prod, d));
}

/** Π of small non-negative integers mod n: float products while exact, then one BigInt step. */
class SmallProduct {
  private acc = 1n;
  private f = 1;
  mul(v: number): void {
    const g = this.f * v;
    if (g < FLOAT_EXACT) this.f = g;
    else {
      this.acc = (this.acc * BigInt(this.f)) % N;
      this.f = v;
    }
  }
  value(): bigint {
    return (this.acc * BigInt(this.f)) % N;
  }
}

function smallLagrange(S: readonly number[], targets: readonly number[], K: number): bigint[] {
  const pS = new SmallProduct();
  for (const j of S) pS.mul(j);
  const prodS = pS.value();
  // The missing-ids trick pays when few of 1..K are missing (then K < 2·|S|, a small table).
  const useMissing = K - S.length < S.length - 1;
  const missing: number[] = [];
  if (useMissing) {
    const inSet = new Uint8Array(K + 1);
    for (const j of S) inSet[j] = 1;
    for (let m = 1; m <= K; m++) if (inSet[m] === 0) missing.push(m);
  }
  const fact = useMissing ? factorials(K) : [];
  const nums: bigint[] = [];
  const dens: bigint[] = [];
  for (const k of targets) {
    let negative = false;
    let num: bigint;
    if (useMissing) {
      // Π_{j∈1..K, j≠k} (j−k) = (−1)^(k−1)·(k−1)!·(K−k)!; divide out the missing ids.
      negative = (k - 1) % 2 === 1;
      const miss = new SmallProduct();
      for (const m of missing) {
        if (m < k) negative = !negative;
        miss.mul(Math.abs(m - k));
      }
      num = (prodS * miss.value()) % N;
      dens.push((((BigInt(k) * fact[k - 1]!) % N) * fact[K - k]!) % N);
    } else {
      const den = new SmallProduct();
      for (const j of S) {
        if (j === k) continue;
        if (j < k) negative = !negative;
        den.mul(Math.abs(j - k));
      }
      num = prodS;
      dens.push((BigInt(k) * den.value()) % N);
    }
    nums.push(negative ? (N - num) % N : num);
  }
  const inv = invertBatch(dens);
  return nums.map((num, i) => (num * inv[i]!) % N);
}

const factCache: bigint[] = [1n];

/** i! mod n for i ≤ upTo, memoised (a party signing at K = 4000 needs them every round). */
function factorials(upTo: number): readonly bigint[] {
  while (factCache.length <= upTo) {
    const i = factCache.length;
    factCache.push((factCache[i - 1]! * BigInt(i)) % N);
  }
  return factCache;
}

/**
 * All λ_k of a signing set, per set (a coordinator checking shares, or a party signing many
 * rounds with the same set, computes them once). Bounded: the oldest set is evicted first.
 */
export class LagrangeCache {
  private readonly sets = new Map<string, ReadonlyMap<bigint, bigint>>();
  readonly capacity: number;
  constructor(capacity = 16) {
    this.capacity = capacity;
  }

  /** Every λ_k over `ids` (sorted or not; the same set must come in the same order). */
  get(ids: readonly bigint[]): ReadonlyMap<bigint, bigint> {
    const key = ids.join(',');
    const hit = this.sets.get(key);
    if (hit) return hit;
    const lambdas = lagrangeCoefficients(ids);
    const map = new Map<bigint, bigint>();
    ids.forEach((k, i) => {
      map.set(k, lambdas[i]!);
    });
    if (this.sets.size >= this.capacity) {
      const oldest = this.sets.keys().next().value;
      if (oldest !== undefined) this.sets.delete(oldest);
    }
    this.sets.set(key, map);
    return map;
  }
}

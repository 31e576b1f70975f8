/**
 * Polynomials over the scalar field and "in the exponent" (coefficients given as points), and
 * Lagrange coefficients at x = 0. Identifiers (key ids) are non-zero scalars, not indexes.
 * @module
 */
import { hornerSmall } from './jacobian.ts';
import { msm } from './msm.ts';
import { type Point, ZERO } from './point.ts';
import { invertBatch, mul, N, sub } from './scalar.ts';

/** f(x) = Σ coeffs[j]·x^j mod n (Horner). */
export function evaluate(coeffs: readonly bigint[], x: bigint): bigint {
  let acc = 0n;
  for (let j = coeffs.length - 1; j >= 0; j--) acc = (acc * x + coeffs[j]!) % N;
  return acc;
}

/** Ids at or below this bound are evaluated in the exponent by Horner with small multipliers. */
const SMALL_ID = 1n << 16n;

/**
 * Σ commitments[j]·x^j: the VSS evaluation of RFC 9591 Appendix C.2. For small x (the usual
 * 1..n identifiers) Horner's rule costs about 1.5·log2(x) point operations per coefficient,
 * far below an MSM with full-size powers x^j mod n; large (derived) ids use the MSM.
 */
export function evaluateInExponent(commitments: readonly Point[], x: bigint): Point {
  const t = commitments.length;
  if (t === 0) return ZERO;
  if (x > 0n && x < SMALL_ID) return hornerSmall(commitments, Number(x));
  const powers = new Array<bigint>(t);
  let p = 1n;
  for (let j = 0; j < t; j++) {
    powers[j] = p;
    p = (p * x) % N;
  }
  return msm(commitments, powers);
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
 * (RFC 9591 §4.2 derive_interpolating_value). O(|ids|) multiplications plus one inversion.
 */
export function lagrangeCoefficient(ids: readonly bigint[], xi: bigint): bigint {
  let num = 1n;
  let den = 1n;
  let found = false;
  for (const x of ids) {
    if (x === xi) {
      if (found) throw new RangeError('duplicate identifier');
      found = true;
      continue;
    }
    num = mul(num, x);
    den = mul(den, sub(x, xi));
  }
  if (!found) throw new RangeError('identifier not in the set');
  return mul(num, invertBatch([den])[0]!);
}

/**
 * Every Lagrange coefficient at 0 over `ids` (same order), with one batch inversion:
 * O(|ids|²) multiplications. Throws on duplicates or zero.
 */
export function lagrangeCoefficients(ids: readonly bigint[]): bigint[] {
  assertDistinctNonZero(ids);
  const k = ids.length;
  let prod = 1n;
  for (const x of ids) prod = mul(prod, x);
  const dens = new Array<bigint>(k);
  for (let i = 0; i < k; i++) {
    const xi = ids[i]!;
    let den = xi; // the numerator Π_{j≠i} x_j = prod / x_i: fold x_i into the denominator
    for (let j = 0; j < k; j++) if (j !== i) den = mul(den, sub(ids[j]!, xi));
    dens[i] = den;
  }
  return invertBatch(dens).map((d) => mul(prod, d));
}

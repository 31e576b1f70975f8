/**
 * Variable-time multi-scalar multiplication Σ kᵢ·Pᵢ for PUBLIC points and scalars only
 * (commitments, binding factors, batch-verification weights): memory access depends on the
 * scalars.
 *
 * Pippenger's bucket method with two standard refinements: the GLV endomorphism of secp256k1
 * splits every 256-bit scalar into two ~128-bit halves (halving the number of windows), and
 * signed digits halve the number of buckets. Small inputs go to noble's interleaved wNAF
 * (`mulAddUnsafe`), which is faster below the crossover measured in `bench/msm.ts`.
 * @module
 */
import { mulAddUnsafe } from '@noble/curves/abstract/curve.js';
import { _splitEndoScalar } from '@noble/curves/abstract/weierstrass.js';
import { Point, ZERO } from './point.ts';
import { N } from './scalar.ts';

// secp256k1 GLV constants (SEC 2 / libsecp256k1): ψ(x, y) = (β·x, y) = λ·(x, y).
const BETA = 0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501een;
const BASIS: [[bigint, bigint], [bigint, bigint]] = [
  [0x3086d221a7d46bcde86c90e49284eb15n, -0xe4437ed6010e88286f547fa90abfe4c3n],
  [0x114ca50f7a8e2f3f657c1108d9d44cfd8n, 0x3086d221a7d46bcde86c90e49284eb15n],
];
const Fp = Point.Fp;

/** Below this many points noble's interleaved wNAF beats our buckets (see bench/msm.ts). */
export const PIPPENGER_THRESHOLD = 24;

/**
 * Σ scalars[i]·points[i]. Scalars are reduced mod n first, so negative or oversized values are
 * accepted (callers fold signs into scalars). Returns the identity for empty input.
 */
export function msm(points: readonly Point[], scalars: readonly bigint[]): Point {
  if (points.length !== scalars.length) throw new RangeError('msm: length mismatch');
  const ps: Point[] = [];
  const ks: bigint[] = [];
  for (let i = 0; i < points.length; i++) {
    let k = scalars[i]! % N;
    if (k < 0n) k += N;
    const p = points[i]!;
    if (k === 0n || p.is0()) continue;
    ps.push(p);
    ks.push(k);
  }
  if (ps.length === 0) return ZERO;
  if (ps.length < PIPPENGER_THRESHOLD) return mulAddUnsafe(Point, ps, ks);
  return pippengerGLV(ps, ks);
}

/** Window width minimising W·(2L + 2^(c−1)) point additions for 2L half-size scalars. */
function windowFor(count: number): number {
  let best = 1;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let c = 2; c <= 16; c++) {
    const windows = Math.ceil(130 / c);
    const cost = windows * (count + 2 ** c); // bucket adds + 2 adds per bucket in the running sum
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

function pippengerGLV(points: Point[], scalars: bigint[]): Point {
  // 1. GLV split: k·P = k1·P + k2·ψ(P) with |k1|, |k2| < 2^128; fold the signs into the points.
  const L = points.length;
  const pts: Point[] = new Array(2 * L);
  const ks: bigint[] = new Array(2 * L);
  for (let i = 0; i < L; i++) {
    const p = points[i]!;
    const { k1neg, k1, k2neg, k2 } = _splitEndoScalar(scalars[i]!, BASIS, N);
    const psi = new Point(Fp.mul(p.X, BETA), p.Y, p.Z);
    pts[2 * i] = k1neg ? p.negate() : p;
    ks[2 * i] = k1;
    pts[2 * i + 1] = k2neg ? psi.negate() : psi;
    ks[2 * i + 1] = k2;
  }
  const count = 2 * L;
  const c = windowFor(count);
  const windows = Math.ceil(130 / c) + 1;
  // 2. Signed-digit recoding: digits in [−2^(c−1), 2^(c−1)], stored per window.
  const half = 1 << (c - 1);
  const full = 1 << c;
  const mask = BigInt(full - 1);
  const cBig = BigInt(c);
  const digits = new Int32Array(windows * count);
  for (let i = 0; i < count; i++) {
    let k = ks[i]!;
    let carry = 0;
    for (let w = 0; w < windows; w++) {
      let d = Number(k & mask) + carry;
      k >>= cBig;
      if (d >= half) {
        d -= full;
        carry = 1;
      } else carry = 0;
      digits[w * count + i] = d;
    }
  }
  const negs = pts.map((p) => p.negate());
  // 3. Buckets, most significant window first.
  const buckets: (Point | undefined)[] = new Array(half + 1);
  let acc: Point = ZERO;
  for (let w = windows - 1; w >= 0; w--) {
    for (let j = 0; j < c; j++) acc = acc.double();
    buckets.fill(undefined);
    const base = w * count;
    for (let i = 0; i < count; i++) {
      const d = digits[base + i]!;
      if (d === 0) continue;
      const idx = d > 0 ? d : -d;
      const q = d > 0 ? pts[i]! : negs[i]!;
      const b = buckets[idx];
      buckets[idx] = b === undefined ? q : b.add(q);
    }
    // Σ idx·bucket[idx] by running sums.
    let running: Point | undefined;
    let sum: Point | undefined;
    for (let idx = half; idx >= 1; idx--) {
      const b = buckets[idx];
      if (b !== undefined) running = running === undefined ? b : running.add(b);
      if (running !== undefined) sum = sum === undefined ? running : sum.add(running);
    }
    if (sum !== undefined) acc = acc.add(sum);
  }
  return acc;
}

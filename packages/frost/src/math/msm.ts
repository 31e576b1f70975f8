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
import { mulAddUnsafe, normalizeZ } from '@noble/curves/abstract/curve.js';
import { _splitEndoScalar } from '@noble/curves/abstract/weierstrass.js';
import { fsub, invertBatchFp, P, red } from './field.ts';
import { Point, ZERO } from './point.ts';
import { N } from './scalar.ts';

// secp256k1 GLV constants (SEC 2 / libsecp256k1): ψ(x, y) = (β·x, y) = λ·(x, y).
const BETA = 0x7ae96a2b657c07106e64479eac3434e99cf0497512f58995c1396c28719501een;
const BASIS: [[bigint, bigint], [bigint, bigint]] = [
  [0x3086d221a7d46bcde86c90e49284eb15n, -0xe4437ed6010e88286f547fa90abfe4c3n],
  [0x114ca50f7a8e2f3f657c1108d9d44cfd8n, 0x3086d221a7d46bcde86c90e49284eb15n],
];

/** Below this many points noble's interleaved wNAF beats our buckets (see bench/msm.ts). */
export const PIPPENGER_THRESHOLD = 16;

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

/** Cost model (in units of one affine addition ≈ 6 field multiplications): bucket filling is
 * batch-affine (1 unit per point per window); the running sums are batch-affine across windows
 * (2 additions per bucket, plus two inversions ≈ 12 units each per bucket shared by all windows).
 * Returns the window width c minimising the total. */
function windowFor(count: number): number {
  let best = 2;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let c = 2; c <= 16; c++) {
    const windows = Math.ceil(130 / c) + 1;
    const cost = windows * (count + 2 ** c) + 2 ** c * 12;
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}

/**
 * Pippenger with GLV halves, signed digits and batch-affine bucket filling: every bucket of
 * every window holds a list of affine points; the lists are summed pairwise in rounds, each
 * round sharing ONE field inversion across all pairs of all windows (an affine addition then
 * costs ~6 multiplications instead of ~14 for a projective one).
 */
function pippengerGLV(points: Point[], scalars: bigint[]): Point {
  const L = points.length;
  const affine = normalizeZ(Point, points);
  // 1. GLV split: k·P = k1·P + k2·ψ(P), |k1|, |k2| < 2^128; signs folded into y.
  const count = 2 * L;
  const xs: bigint[] = new Array(count);
  const ys: bigint[] = new Array(count);
  const ks: bigint[] = new Array(count);
  for (let i = 0; i < L; i++) {
    const p = affine[i]!;
    const x = p.X;
    const y = p.Y;
    const { k1neg, k1, k2neg, k2 } = _splitEndoScalar(scalars[i]!, BASIS, N);
    xs[2 * i] = x;
    ys[2 * i] = k1neg ? P - y : y;
    ks[2 * i] = k1;
    xs[2 * i + 1] = red(x * BETA);
    ys[2 * i + 1] = k2neg ? P - y : y;
    ks[2 * i + 1] = k2;
  }
  const c = windowFor(count);
  const windows = Math.ceil(130 / c) + 1;
  const half = 1 << (c - 1);
  const full = 1 << c;
  const mask = BigInt(full - 1);
  const cBig = BigInt(c);
  // 2. Signed digits → per (window, bucket) lists of affine points (x, y), sign applied.
  const lists: { x: bigint[]; y: bigint[] }[] = Array.from(
    { length: windows * (half + 1) },
    () => ({
      x: [],
      y: [],
    }),
  );
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
      if (d === 0) continue;
      const list = lists[w * (half + 1) + (d > 0 ? d : -d)]!;
      list.x.push(xs[i]!);
      list.y.push(d > 0 ? ys[i]! : P - ys[i]!);
    }
  }
  // 3. Pairwise batch-affine reduction until every list has ≤ 1 point.
  reduceLists(lists);
  // 4. Per window Σ idx·bucket[idx] by running sums, batch-affine across all windows (one
  //    inversion per step), then the windows combined by doublings, most significant first.
  const runX: bigint[] = new Array(windows).fill(INF_X);
  const runY: bigint[] = new Array(windows).fill(0n);
  const sumX: bigint[] = new Array(windows).fill(INF_X);
  const sumY: bigint[] = new Array(windows).fill(0n);
  const bx: bigint[] = new Array(windows);
  const by: bigint[] = new Array(windows);
  for (let idx = half; idx >= 1; idx--) {
    for (let w = 0; w < windows; w++) {
      const b = lists[w * (half + 1) + idx]!;
      bx[w] = b.x.length ? b.x[0]! : INF_X;
      by[w] = b.x.length ? b.y[0]! : 0n;
    }
    addAffineBatch(runX, runY, bx, by);
    addAffineBatch(sumX, sumY, runX, runY);
  }
  let acc: Point = ZERO;
  for (let w = windows - 1; w >= 0; w--) {
    for (let j = 0; j < c; j++) acc = acc.double();
    if (sumX[w] !== INF_X) acc = acc.add(Point.fromAffine({ x: sumX[w]!, y: sumY[w]! }));
  }
  return acc;
}

/** Marks the identity in affine coordinate arrays (no curve point has x = −1). */
const INF_X = -1n;

/**
 * a[i] += b[i] for every i, in affine coordinates with one shared inversion. The identity is
 * x = INF_X; equal or opposite points (no chord) go through the projective formulas.
 */
function addAffineBatch(
  ax: bigint[],
  ay: bigint[],
  bx: readonly bigint[],
  by: readonly bigint[],
): void {
  const idx: number[] = [];
  const dens: bigint[] = [];
  for (let i = 0; i < ax.length; i++) {
    if (bx[i] === INF_X) continue;
    if (ax[i] === INF_X) {
      ax[i] = bx[i]!;
      ay[i] = by[i]!;
      continue;
    }
    const dx = fsub(bx[i]!, ax[i]!);
    if (dx === 0n) {
      const r = Point.fromAffine({ x: ax[i]!, y: ay[i]! }).add(
        Point.fromAffine({ x: bx[i]!, y: by[i]! }),
      );
      if (r.is0()) {
        ax[i] = INF_X;
        ay[i] = 0n;
      } else {
        const a = r.toAffine();
        ax[i] = a.x;
        ay[i] = a.y;
      }
      continue;
    }
    idx.push(i);
    dens.push(dx);
  }
  if (idx.length === 0) return;
  const invs = invertBatchFp(dens);
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j]!;
    const x1 = ax[i]!;
    const y1 = ay[i]!;
    const lambda = red(fsub(by[i]!, y1) * invs[j]!);
    const x3 = fsub(fsub(red(lambda * lambda), x1), bx[i]!);
    ax[i] = x3;
    ay[i] = fsub(red(lambda * fsub(x1, x3)), y1);
  }
}

/**
 * Sums each list of affine points in place (result: ≤ 1 point per list, none if it summed to
 * the identity). P + P and P + (−P) have no affine chord, so they are handled by the
 * projective formulas (rare: only for repeated or opposite points).
 */
function reduceLists(lists: { x: bigint[]; y: bigint[] }[]): void {
  for (;;) {
    const pairs: [list: number, i: number][] = [];
    const dens: bigint[] = [];
    for (let l = 0; l < lists.length; l++) {
      const { x, y } = lists[l]!;
      for (let i = 0; i + 1 < x.length; i += 2) {
        const dx = x[i + 1]! - x[i]!;
        if (dx === 0n) {
          // Same x: equal points double, opposite points cancel. Replace the pair in place.
          const p = Point.fromAffine({ x: x[i]!, y: y[i]! });
          const q = Point.fromAffine({ x: x[i + 1]!, y: y[i + 1]! });
          const r = p.add(q);
          if (r.is0()) {
            x.splice(i, 2);
            y.splice(i, 2);
          } else {
            const a = r.toAffine();
            x.splice(i, 2, a.x);
            y.splice(i, 2, a.y);
          }
          i -= 2;
          continue;
        }
        pairs.push([l, i]);
        dens.push(dx < 0n ? dx + P : dx);
      }
    }
    if (pairs.length === 0) return;
    const invs = invertBatchFp(dens);
    // Write sums into the even slots, then compact every touched list.
    const touched = new Set<number>();
    for (let j = 0; j < pairs.length; j++) {
      const [l, i] = pairs[j]!;
      const { x, y } = lists[l]!;
      const x1 = x[i]!;
      const y1 = y[i]!;
      const x2 = x[i + 1]!;
      const y2 = y[i + 1]!;
      let dy = y2 - y1;
      if (dy < 0n) dy += P;
      const lambda = red(dy * invs[j]!);
      const x3 = fsub(fsub(red(lambda * lambda), x1), x2);
      const y3 = fsub(red(lambda * fsub(x1, x3)), y1);
      x[i] = x3;
      y[i] = y3;
      x[i + 1] = -1n; // consumed
      touched.add(l);
    }
    for (const l of touched) {
      const list = lists[l]!;
      const nx: bigint[] = [];
      const ny: bigint[] = [];
      for (let i = 0; i < list.x.length; i++) {
        if (list.x[i] === -1n) continue;
        nx.push(list.x[i]!);
        ny.push(list.y[i]!);
      }
      list.x = nx;
      list.y = ny;
    }
  }
}

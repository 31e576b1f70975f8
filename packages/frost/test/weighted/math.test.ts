import { concatBytes as concat } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { sumCommitments } from '../../src/math/commitment-sum.ts';
import { G, Point } from '../../src/math/point.ts';
import { evaluate, lagrangeCoefficients, weightedPowers } from '../../src/math/polynomial.ts';
import { N } from '../../src/math/scalar.ts';
import { randomScalar } from '../../src/random.ts';
import { decodeUncompressedPoints } from '../../src/weighted/dkg-messages.ts';
import { random } from './helpers.ts';

/** The key-id forms of the math layer's bigint functions. */
const evalPoly = (coeffs: readonly bigint[], x: number): bigint => evaluate(coeffs, BigInt(x));

const naiveSum = (vs: Point[][], T: number) =>
  Array.from({ length: T }, (_, i) => vs.reduce((a, v) => a.add(v[i] as Point), Point.ZERO));

describe('commitment sum (batch-affine tree)', () => {
  it('equals the naive sum, including equal points, negations and odd counts', () => {
    const T = 6;
    const base = Array.from({ length: T }, () => G.multiply(randomScalar(random)));
    for (const count of [1, 2, 3, 5, 8]) {
      const vs = Array.from({ length: count }, () =>
        Array.from({ length: T }, () => G.multiply(randomScalar(random))),
      );
      // Degenerate pairs: a copy (doubling), a negation (identity), identity inputs.
      if (count >= 2) {
        vs[1] = [...(vs[0] as Point[])];
        (vs[1] as Point[])[2] = ((vs[0] as Point[])[2] as Point).negate();
      }
      if (count >= 3) (vs[2] as Point[])[4] = Point.ZERO;
      vs.push(base);
      const got = sumCommitments(vs, T);
      naiveSum(vs, T).forEach((want, i) => {
        expect(got[i]?.equals(want)).toBe(true);
      });
    }
  });
});

describe('uncompressed decoding', () => {
  it('accepts curve points and rejects x or y >= p, off-curve points and wrong prefixes', () => {
    const pts = [G, G.multiply(3n), G.multiply(N - 1n)];
    const bytes = concat(...pts.map((p) => p.toBytes(false)));
    const dec = decodeUncompressedPoints(bytes, 't');
    dec.forEach((p, i) => {
      expect(p.equals(pts[i] as Point)).toBe(true);
    });
    const off = bytes.slice();
    off[64] = (off[64] as number) ^ 1;
    expect(() => decodeUncompressedPoints(off, 't')).toThrow(/not on secp256k1/);
    const big = bytes.slice();
    big.fill(0xff, 1, 33);
    expect(() => decodeUncompressedPoints(big, 't')).toThrow(/not on secp256k1/);
    const pre = bytes.slice();
    pre[65] = 2;
    expect(() => decodeUncompressedPoints(pre, 't')).toThrow(/not uncompressed/);
  });
});

describe('scalar helpers', () => {
  it('evalPoly (delayed reduction) equals plain Horner for small and large points', () => {
    const coeffs = Array.from({ length: 50 }, () => randomScalar(random));
    for (const x of [1, 2, 4000, 65535, 0xffffffff]) {
      let want = 0n;
      for (let i = coeffs.length - 1; i >= 0; i--)
        want = (want * BigInt(x) + (coeffs[i] as bigint)) % N;
      expect(evalPoly(coeffs, x)).toBe(want);
    }
  });

  it('weightedPowers', () => {
    const xs = [3, 9, 12];
    const rs = xs.map(() => randomScalar(random));
    const coeffs = Array.from({ length: 7 }, () => randomScalar(random));
    const w = weightedPowers(xs.map(BigInt), rs, 7);
    const lhs = xs.reduce((a, x, j) => (a + (rs[j] as bigint) * evalPoly(coeffs, x)) % N, 0n);
    const rhs = coeffs.reduce((a, c, i) => (a + c * (w[i] as bigint)) % N, 0n);
    expect(lhs).toBe(rhs);
  });

  it('Lagrange coefficients: direct and via missing ids agree, and interpolate at 0', () => {
    const coeffs = Array.from({ length: 10 }, () => randomScalar(random));
    for (const S of [
      Array.from({ length: 38 }, (_, i) => i + 2), // few missing: factorial path
      [1, 5, 7, 11, 13, 17, 19, 23, 29, 31], // many missing: direct path
    ]) {
      const ids = S.map(BigInt);
      const l = lagrangeCoefficients(ids);
      const at0 = S.reduce((a, k, i) => (a + (l[i] as bigint) * evalPoly(coeffs, k)) % N, 0n);
      expect(at0).toBe(coeffs[0]);
      expect(lagrangeCoefficients(ids, [ids[3] as bigint])[0]).toBe(l[3]);
    }
  });
});

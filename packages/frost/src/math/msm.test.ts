import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { msm, PIPPENGER_THRESHOLD } from './msm.ts';
import { G, type Point, ZERO } from './point.ts';
import { N } from './scalar.ts';

function naive(points: Point[], scalars: bigint[]): Point {
  return points.reduce((acc, p, i) => {
    const k = ((scalars[i]! % N) + N) % N;
    return k === 0n ? acc : acc.add(p.multiplyUnsafe(k));
  }, ZERO);
}

describe('msm', () => {
  it('handles empty, zero and negative scalars', () => {
    expect(msm([], []).is0()).toBe(true);
    expect(msm([G], [0n]).is0()).toBe(true);
    expect(msm([G, G], [5n, -5n]).is0()).toBe(true);
    expect(msm([G], [N + 3n]).equals(G.multiply(3n))).toBe(true);
    expect(() => msm([G], [])).toThrow(RangeError);
  });
  it('matches the naive sum below and above the Pippenger threshold (seeded)', () => {
    const scalar = fc.bigInt({ min: 0n, max: N - 1n });
    for (const size of [3, PIPPENGER_THRESHOLD + 1, 70]) {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(scalar, scalar), { minLength: size, maxLength: size }),
          (pairs) => {
            const points = pairs.map(([a]) => G.multiply(a === 0n ? 1n : a));
            const scalars = pairs.map(([, b]) => b);
            expect(msm(points, scalars).equals(naive(points, scalars))).toBe(true);
          },
        ),
        { seed: 42 + size, numRuns: 3 },
      );
    }
  });
  it('is correct with edge scalars (1, n−1, 2^128) in a large input', () => {
    const points = Array.from({ length: 40 }, (_, i) => G.multiply(BigInt(i + 2)));
    const scalars = points.map((_, i) => [1n, N - 1n, 1n << 128n, (1n << 128n) - 1n][i % 4]!);
    expect(msm(points, scalars).equals(naive(points, scalars))).toBe(true);
  });
  it('handles repeated and opposite points in the batch-affine path', () => {
    const base = Array.from({ length: 30 }, (_, i) => G.multiply(BigInt(i + 2)));
    const points = [...base, ...base, ...base.map((p) => p.negate()), G, G, G.negate()];
    const scalars = points.map((_, i) => BigInt(i % 7) + 1n);
    expect(msm(points, scalars).equals(naive(points, scalars))).toBe(true);
    // Identical scalars: the digits of P and −P land in the same buckets and cancel.
    const same = points.map(() => 0x1234567890abcdefn);
    expect(msm(points, same).equals(naive(points, same))).toBe(true);
    const cancel = [...base, ...base.map((p) => p.negate())];
    expect(
      msm(
        cancel,
        cancel.map(() => 99n),
      ).is0(),
    ).toBe(true);
  });
});

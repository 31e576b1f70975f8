import { describe, expect, it } from 'vitest';
import { G } from './point.ts';
import {
  evaluate,
  evaluateInExponent,
  lagrangeCoefficient,
  lagrangeCoefficients,
} from './polynomial.ts';
import { add, invertBatch, mul, N } from './scalar.ts';

describe('polynomials', () => {
  const coeffs = [11n, 22n, 33n, N - 4n];
  it('evaluates by Horner', () => {
    expect(evaluate(coeffs, 0n)).toBe(11n);
    expect(evaluate(coeffs, 2n)).toBe((11n + 44n + 132n - 32n + N) % N);
  });
  it('evaluates in the exponent for small and large ids', () => {
    const commitments = coeffs.map((c) => G.multiply(c));
    for (const x of [1n, 7n, 65535n, 65536n, N - 2n, 0xdeadbeefcafebabe1234n]) {
      expect(evaluateInExponent(commitments, x).equals(G.multiply(evaluate(coeffs, x)))).toBe(true);
    }
  });
  it('interpolates the constant term with Lagrange coefficients', () => {
    const ids = [1n, 3n, 4n, N - 9n];
    const lambdas = lagrangeCoefficients(ids);
    let secret = 0n;
    ids.forEach((x, i) => {
      expect(lagrangeCoefficient(ids, x)).toBe(lambdas[i]);
      secret = add(secret, mul(lambdas[i]!, evaluate(coeffs, x)));
    });
    expect(secret).toBe(11n);
    expect(lambdas.reduce(add, 0n)).toBe(1n);
  });
  it('small ids (floats, missing-ids trick) give the generic coefficients', () => {
    const naive = (ids: bigint[], xi: bigint): bigint => {
      let num = 1n;
      let den = 1n;
      for (const x of ids)
        if (x !== xi) {
          num = mul(num, x);
          den = mul(den, (x - xi + N) % N);
        }
      return mul(num, invertBatch([den])[0]!);
    };
    const sets = [
      [1n, 2n, 3n],
      [2n, 3n, 5n, 7n, 11n, 13n],
      Array.from({ length: 60 }, (_, i) => BigInt(i + 1)).filter((x) => x !== 17n && x !== 40n),
      [1n, 3n, 70000n, 65536n, 9n],
      [5n, (1n << 26n) - 1n, 1n << 20n],
    ];
    for (const ids of sets) {
      const got = lagrangeCoefficients(ids);
      ids.forEach((x, i) => {
        expect(got[i]).toBe(naive(ids, x));
      });
      expect(got.reduce(add, 0n)).toBe(1n);
    }
  });
  it('rejects duplicate, zero and missing ids', () => {
    expect(() => lagrangeCoefficients([1n, 1n])).toThrow(/duplicate/);
    expect(() => lagrangeCoefficients([0n, 1n])).toThrow(/zero/);
    expect(() => lagrangeCoefficient([1n, 2n], 3n)).toThrow(/not in the set/);
    expect(() => lagrangeCoefficient([1n, 2n, 2n], 2n)).toThrow(/duplicate/);
  });
});

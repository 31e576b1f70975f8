import { describe, expect, it } from 'vitest';
import { hornerSmall } from './jacobian.ts';
import { G, ZERO } from './point.ts';
import { evaluate } from './polynomial.ts';
import { N } from './scalar.ts';

describe('Jacobian Horner in the exponent', () => {
  it('equals f(x)·G for random polynomials and many small x', () => {
    const coeffs = Array.from(
      { length: 9 },
      (_, i) => (BigInt(i + 1) * 0x9e3779b97f4a7c15f39cc0605cedc834n) % N,
    );
    const commitments = coeffs.map((c) => G.multiply(c));
    for (const x of [1, 2, 3, 7, 100, 257, 65535, 2 ** 30 + 3])
      expect(hornerSmall(commitments, x).equals(G.multiply(evaluate(coeffs, BigInt(x))))).toBe(
        true,
      );
  });
  it('handles the doubling and cancellation cases of the addition formulas', () => {
    // x·C1 + C0 with C0 = x·C1 (doubling) and C0 = −x·C1 (identity).
    const C1 = G.multiply(12345n);
    expect(hornerSmall([C1.multiply(5n), C1], 5).equals(C1.multiply(10n))).toBe(true);
    expect(hornerSmall([C1.multiply(5n).negate(), C1], 5).is0()).toBe(true);
    // An identity intermediate followed by more terms.
    expect(hornerSmall([G, C1.multiply(5n).negate(), C1], 5).equals(G)).toBe(true);
    // Identity coefficients take the generic path.
    expect(hornerSmall([G, ZERO, G], 3).equals(G.multiply(10n))).toBe(true);
    expect(() => hornerSmall([G], 0)).toThrow(RangeError);
  });
});

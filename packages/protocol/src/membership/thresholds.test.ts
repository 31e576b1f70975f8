import { describe, expect, it } from 'vitest';
import { federationThresholds } from './thresholds.ts';

describe('federationThresholds', () => {
  // [total key ids, signers] -> [threshold, dkgThreshold, stacksThreshold]
  const table: [number, number, number, number, number][] = [
    [10, 5, 7, 8, 4], // weights 1,1,2,3,3 (the federation)
    [15, 15, 11, 12, 11], // 15 x 1 (the benchmark's)
    [5, 5, 4, 5, 4],
    [2, 2, 2, 2, 2],
    [2, 1, 2, 2, 1],
    [3, 3, 3, 3, 3], // ceil(2.1) = 3
    [4, 4, 3, 4, 3],
    [7, 7, 5, 6, 5], // ceil(4.9) = 5
    [20, 10, 14, 15, 7], // 0.7 * 20 = 14 exactly (no float round-up to 15)
    [100, 15, 70, 71, 11],
  ];
  it.each(table)('%i key ids, %i signers', (total, n, threshold, dkgThreshold, stacks) => {
    expect(federationThresholds(total, n)).toEqual({
      threshold,
      dkgThreshold,
      stacksThreshold: stacks,
    });
  });

  it('keeps the Stacks threshold a strict majority the registry accepts (n/2 < m <= n)', () => {
    for (let n = 1; n <= 15; n++) {
      const { stacksThreshold: m } = federationThresholds(Math.max(2, n), n);
      expect(m).toBeGreaterThan(n / 2);
      expect(m).toBeLessThanOrEqual(n);
    }
  });

  it('refuses sizes no federation can have', () => {
    expect(() => federationThresholds(1, 1)).toThrow(/totalKeyIds/);
    expect(() => federationThresholds(2.5, 1)).toThrow(/totalKeyIds/);
    expect(() => federationThresholds(4, 0)).toThrow(/signerCount/);
    expect(() => federationThresholds(4, 5)).toThrow(/signerCount/);
  });
});

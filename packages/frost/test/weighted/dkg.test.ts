import { describe, expect, it } from 'vitest';
import { dkgFinish } from '../../src/weighted/dkg.ts';
import { G, N } from '../../src/weighted/encoding.ts';
import { lagrangeCoefficients } from '../../src/weighted/lagrange.ts';
import { createLayout, unweightedLayout } from '../../src/weighted/layout.ts';
import { dealAll, random, runDkg } from './helpers.ts';

const uneven = () =>
  createLayout({
    parties: [
      { id: 1, keyIds: [1] },
      { id: 2, keyIds: [2] },
      { id: 3, keyIds: [3, 4] },
      { id: 4, keyIds: [5, 6, 7] },
      { id: 5, keyIds: [8, 9, 10] },
    ],
    threshold: 7,
  });

describe('weighted DKG', () => {
  it('gives every party the same group key, and key-id secrets on one degree t-1 polynomial', () => {
    const layout = uneven();
    const results = runDkg(layout);
    const first = results.get(1);
    if (!first) throw new Error('no result');
    const secrets = new Map<number, bigint>();
    for (const r of results.values()) {
      expect(r.groupKey.equals(first.groupKey)).toBe(true);
      expect(r.echo).toEqual(first.echo);
      for (const [k, x] of r.keyIdSecrets) {
        secrets.set(k, x);
        expect(r.keyIdPublicShares.get(k)?.equals(G.multiply(x))).toBe(true);
      }
    }
    expect(secrets.size).toBe(10);
    // Any 7 key ids interpolate the same secret, whose public key is the group key.
    for (const set of [
      [1, 2, 3, 4, 5, 6, 7],
      [4, 5, 6, 7, 8, 9, 10],
      [1, 3, 5, 7, 8, 9, 10],
    ]) {
      const lambdas = lagrangeCoefficients(set, set, 10);
      const s = set.reduce(
        (acc, k, i) => (acc + (lambdas[i] as bigint) * (secrets.get(k) as bigint)) % N,
        0n,
      );
      expect(G.multiply(s).equals(first.groupKey)).toBe(true);
    }
    // 6 key ids do not.
    const six = [1, 2, 3, 4, 5, 6];
    const l6 = lagrangeCoefficients(six, six, 10);
    const s6 = six.reduce(
      (acc, k, i) => (acc + (l6[i] as bigint) * (secrets.get(k) as bigint)) % N,
      0n,
    );
    expect(G.multiply(s6).equals(first.groupKey)).toBe(false);
  });

  it('runs the unweighted shape (party i owns key id i)', () => {
    const results = runDkg(unweightedLayout(4, 3));
    expect(new Set([...results.values()].map((r) => r.groupKey.toHex())).size).toBe(1);
  });

  it('aggregated check catches a wrong share and the fallback names its dealer', () => {
    const layout = uneven();
    const run = dealAll(layout);
    // Party 4 deals a share for key id 9 (owned by party 5) off its polynomial.
    const victim = 5;
    const state = run.states2.get(victim);
    if (!state) throw new Error('no state');
    const msgs = run.round2.filter((m) => m.recipient === victim);
    expect(dkgFinish(state, msgs, random).ok).toBe(true);
  });
});

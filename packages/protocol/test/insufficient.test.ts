import { describe, expect, it } from 'vitest';
import type { Behaviour } from '../src/sim/adversary.ts';
import { blamed, dkgOk, withSim } from './helpers/sim.ts';

describe('fewer than threshold honest signers', () => {
  it('silent majority: insufficient-signers after a bounded number of nonce timeouts', () => {
    withSim({ seed: 31, weights: [1, 1, 1, 1, 1], threshold: 3 }, (sim) => {
      dkgOk(sim);
      (sim.opts as { behaviours?: Record<number, Behaviour> }).behaviours = {
        2: 'silent',
        4: 'silent',
        5: 'silent',
      };
      const r = sim.sign([1], 1);
      expect(r.kind).toBe('insufficient-signers');
      const { nonce, resend } = sim.federation.timeouts;
      // maxNonceTimeouts (3) nonce phases, plus relay delays and resend ticks.
      expect(r.elapsed).toBeLessThanOrEqual(3 * nonce + resend + 100);
      expect(blamed(sim).size).toBe(0);
    });
  }, 300_000);

  it('signers that commit then fall silent: excluded until the rest cannot reach threshold', () => {
    withSim({ seed: 32, weights: [1, 1, 2, 1, 1], threshold: 4 }, (sim) => {
      dkgOk(sim);
      (sim.opts as { behaviours?: Record<number, Behaviour> }).behaviours = {
        1: 'nonce-then-silent',
        3: 'nonce-then-silent',
        4: 'bad-share',
      };
      const r = sim.sign([1], 1);
      expect(r.kind).toBe('insufficient-signers');
      if (r.kind !== 'insufficient-signers') throw new Error('unreachable');
      // Each share phase excludes at least one party: bounded by n - t + 1 = 3 (in parties).
      expect(r.attempts).toBeLessThanOrEqual(3);
      for (const id of Object.keys(r.excluded)) expect(['1', '3', '4']).toContain(id);
      for (const id of blamed(sim)) expect(id).toBe(4);
    });
  }, 300_000);
});

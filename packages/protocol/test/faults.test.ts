import { describe, expect, it } from 'vitest';
import type { Behaviour } from '../src/sim/adversary.ts';
import { BLAME, blamed, dkgOk, expectValidSignatures, withSim } from './helpers/sim.ts';

// 11-of-15, one key id each; 4 = n - t signers misbehave in each mode.
const N = 15;
const T = 11;
const BAD = [2, 5, 9, 13];
const BOUND = N - T + 1; // ROAST/FIRE: at most n - t + 1 share phases
const modes = (b: Behaviour): Record<number, Behaviour> =>
  Object.fromEntries(BAD.map((id) => [id, b]));

describe('signing with 4 of 15 faulty signers', () => {
  it('silent, nonce-then-silent, bad share, slow: signs within n-t+1 attempts, blames exactly the misbehaving', () => {
    withSim({ seed: 4242, weights: Array(N).fill(1), threshold: T, trace: true }, (sim) => {
      const d = dkgOk(sim);
      const behaviours = sim.opts.behaviours as Record<number, Behaviour> | undefined;
      expect(behaviours).toBeUndefined();
      const expected: Record<string, string | undefined> = {
        silent: undefined, // never committed a nonce: not in any signing set, not blamed
        'nonce-then-silent': 'silent-after-nonce',
        'bad-share': 'bad-share',
        slow: undefined,
      };
      let round = 1;
      for (const mode of ['silent', 'nonce-then-silent', 'bad-share', 'slow'] as const) {
        (sim.opts as { behaviours?: Record<number, Behaviour> }).behaviours = modes(mode);
        for (let i = 0; i < 2; i++) {
          const r = sim.sign([round++], 1);
          expectValidSignatures(r, d.groupKey);
          if (r.kind !== 'signature') throw new Error('unreachable');
          expect(r.attempts).toBeLessThanOrEqual(BOUND);
          for (const [id, why] of Object.entries(r.excluded)) {
            expect(BAD).toContain(Number(id)); // no honest party is ever excluded
            expect(why).toBe(expected[mode]);
          }
          if (mode === 'bad-share' || mode === 'nonce-then-silent') {
            // Exactly: the misbehaving parties that got into a signing set of this round are
            // the excluded ones (the others never committed in time to be chosen).
            const chosen = new Set<number>();
            for (const { envelope: e } of sim.trace)
              if (e.kind === 'signature-share-request' && e.signId === r.signId)
                for (const c of e.payload.commitments) chosen.add(c.partyId);
            const chosenBad = BAD.filter((id) => chosen.has(id)).map(String);
            expect(chosenBad.length).toBeGreaterThan(0);
            expect(Object.keys(r.excluded).sort()).toEqual(chosenBad.sort());
          }
          if (expected[mode] === undefined) expect(r.excluded).toEqual({});
        }
      }
      for (const id of blamed(sim)) expect(BAD).toContain(id);
      expect(sim.nonceReuse()).toEqual([]);
    });
  }, 900_000);

  it('slow honest signers needed to reach threshold are never blamed', () => {
    // 2 commit then go silent, 2 are slow: the second iteration needs the slow ones.
    withSim(
      {
        seed: 77,
        weights: Array(N).fill(1),
        threshold: T,
        slowDelay: 400,
      },
      (sim) => {
        const d = dkgOk(sim);
        (sim.opts as { behaviours?: Record<number, Behaviour> }).behaviours = {
          3: 'nonce-then-silent',
          8: 'nonce-then-silent',
          4: 'slow',
          12: 'slow',
        };
        for (let i = 0; i < 3; i++) {
          const r = sim.sign([i], 2);
          expectValidSignatures(r, d.groupKey);
          if (r.kind !== 'signature') throw new Error('unreachable');
          expect(r.attempts).toBeLessThanOrEqual(BOUND);
          for (const id of Object.keys(r.excluded)) expect(['3', '8']).toContain(id);
        }
        expect(blamed(sim).size).toBe(0); // silence is excluded, not blamed; slow is neither
        expect(sim.nonceReuse()).toEqual([]);
      },
    );
  }, 900_000);
});

// A new key needs a key id beyond the threshold (docs/protocol/dkg.md): with 11-of-15 a DKG
// survives n - t - 1 = 3 liars (4 would leave exactly 11 key ids, a key with no redundancy).
const BAD_DKG = [2, 5, 9];
const dkgModes = (b: Behaviour): Record<number, Behaviour> =>
  Object.fromEntries(BAD_DKG.map((id) => [id, b]));

describe('DKG with 3 of 15 lying signers', () => {
  const cases: [Behaviour, string][] = [
    ['dkg-bad-pok', 'bad-proof-of-knowledge'],
    ['dkg-bad-share', 'bad-private-shares'],
    ['dkg-equivocate', 'equivocation'],
    ['dkg-false-complaint', 'false-complaint'],
  ];
  for (const [mode, reason] of cases) {
    it(`${mode}: exactly the liars are blamed (${reason}); the key signs`, () => {
      withSim(
        {
          seed: 1000 + mode.length,
          weights: Array(N).fill(1),
          threshold: T,
          dkgThreshold: T,
          behaviours: dkgModes(mode),
        },
        (sim) => {
          const d = dkgOk(sim);
          expect(d.attempts).toBeLessThanOrEqual(BOUND);
          expect(d.excluded).toEqual(Object.fromEntries(BAD_DKG.map((id) => [String(id), reason])));
          expect(d.pub.layout.parties.map((p) => p.id)).toEqual([
            1, 3, 4, 6, 7, 8, 10, 11, 12, 13, 14, 15,
          ]);
          expect([...blamed(sim)].sort((a, b) => a - b)).toEqual(BAD_DKG);
          for (const why of Object.values(d.excluded)) expect(BLAME.has(why)).toBe(true);
          for (let i = 0; i < 2; i++) expectValidSignatures(sim.sign([i], 1), d.groupKey);
        },
      );
    }, 900_000);
  }
});

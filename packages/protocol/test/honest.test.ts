import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { dkgOk, expectValidSignatures, withSim } from './helpers/sim.ts';

describe('honest federation', () => {
  it('11-of-15, one key id each: DKG then 20 signing rounds, all BIP340-valid', () => {
    withSim({ seed: 1101, weights: Array(15).fill(1), threshold: 11 }, (sim) => {
      const d = dkgOk(sim);
      expect(d.pub.layout.parties).toHaveLength(15);
      expect(d.attempts).toBe(1);
      for (let i = 0; i < 20; i++) {
        const r = sim.sign([i], 1 + (i % 3));
        expectValidSignatures(r, d.groupKey);
        expect(r.attempts).toBe(1);
        expect(r.excluded).toEqual({});
      }
      expect(sim.nonceReuse()).toEqual([]);
    });
  }, 600_000);

  it('weighted 1,1,2,3,3 with threshold 7 of 10: DKG then 20 signing rounds', () => {
    withSim({ seed: 710, weights: [1, 1, 2, 3, 3], threshold: 7 }, (sim) => {
      const d = dkgOk(sim);
      expect(d.pub.layout.parties.flatMap((p) => p.keyIds)).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      ]);
      for (let i = 0; i < 20; i++) {
        const r = sim.sign([i], 1 + (i % 2));
        expectValidSignatures(r, d.groupKey);
      }
      expect(sim.nonceReuse()).toEqual([]);
    });
  }, 600_000);

  it('signs through a lossy, duplicating, reordering relay', () => {
    withSim(
      {
        seed: 99,
        weights: [1, 2, 1, 1, 2],
        threshold: 4,
        faults: { drop: 0.05, duplicate: 0.1, minDelay: 1, maxDelay: 120 },
      },
      (sim) => {
        const d = dkgOk(sim);
        for (let i = 0; i < 5; i++) expectValidSignatures(sim.sign([i], 2), d.groupKey);
        expect(sim.nonceReuse()).toEqual([]);
      },
    );
  }, 600_000);

  it('DKG through a relay that loses 15 % of messages: laggards get the signed originals forwarded', () => {
    withSim(
      {
        seed: 4040,
        weights: [1, 2, 1, 1, 2, 1],
        threshold: 5,
        faults: { drop: 0.15, minDelay: 1, maxDelay: 60 },
      },
      (sim) => {
        const d = dkgOk(sim);
        expect(sim.forwarded).toBeGreaterThan(0);
        expect(d.pub.layout.parties.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(sim.refusedAtOpen).toBe(0); // a forwarded envelope opens like the original
        expectValidSignatures(sim.sign([1], 2), d.groupKey);
      },
    );
  }, 300_000);

  it('peg-out signatures verify under the BIP341 key-path output key (BIP86 tweak), not the bare key', () => {
    withSim({ seed: 341, weights: [1, 2, 1], threshold: 3 }, (sim) => {
      const d = dkgOk(sim);
      const r = sim.sign([1], 1);
      if (r.kind !== 'signature') throw new Error('no signature');
      expect(r.tweak).toEqual({ type: 'taproot', merkleRoot: null });
      // Q = lift_x(x(P)) + int(TapTweak(x(P)))·G, computed here with noble alone.
      const px = hexToBytes(d.groupKey.slice(2));
      const P = schnorr.utils.lift_x(BigInt(`0x${d.groupKey.slice(2)}`));
      const t = BigInt(`0x${bytesToHex(schnorr.utils.taggedHash('TapTweak', px))}`);
      const Q = P.add(secp256k1.Point.BASE.multiply(t));
      const qx = Q.toBytes(true).subarray(1);
      const sig = hexToBytes(r.signatures[0]!);
      const msg = hexToBytes(r.messages[0]!);
      expect(schnorr.verify(sig, msg, qx)).toBe(true);
      expect(schnorr.verify(sig, msg, px)).toBe(false);
    });
  }, 300_000);

  it('is deterministic from the seed', () => {
    const run = () =>
      withSim({ seed: 5, weights: [1, 1, 1, 1], threshold: 3, faults: { drop: 0.05 } }, (sim) => {
        const d = dkgOk(sim);
        const r = sim.sign([1], 1);
        return { key: d.groupKey, r, now: sim.now, events: sim.events };
      });
    expect(run()).toEqual(run());
  }, 600_000);
});

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { taprootAddress } from './address.ts';
import {
  complain,
  expectedResult,
  finish,
  judge,
  type PrivateShares,
  type PublicShares,
  publicShareCulprits,
  round1,
  round1Faults,
  round2,
  subLayout,
} from './dkg-crypto.ts';
import type { LayoutSpec } from './layout.ts';
import { outputKey } from './output-key.ts';
import { seededBytes } from './sim/random.ts';

const N = secp256k1.Point.Fn.ORDER;
const federation: LayoutSpec = {
  parties: [
    { id: 1, keyIds: [1] },
    { id: 2, keyIds: [2, 3] },
    { id: 3, keyIds: [4] },
    { id: 4, keyIds: [5, 6] },
  ],
  threshold: 3,
};

describe('sub-layout of the parties that answered round 1', () => {
  it('renumbers key ids 1..K in (party id, key id) order, whatever the list order', () => {
    expect(subLayout(federation.parties, [4, 2], 3)).toEqual({
      parties: [
        { id: 2, keyIds: [1, 2] },
        { id: 4, keyIds: [3, 4] },
      ],
      threshold: 3,
    });
    expect(subLayout(federation.parties, [1, 2, 3, 4], 3).parties.flatMap((p) => p.keyIds)).toEqual(
      [1, 2, 3, 4, 5, 6],
    );
  });
});

/** Runs the adapter end to end: round 1 by all, party 3 drops out, rounds 2 and finish by the rest. */
const session = (dkgId: number) => ({ dkgId, federation: '77'.repeat(32) });

function runDkg(dkgId: number) {
  const rng = seededBytes(dkgId, 'dkg-crypto');
  const ses = session(dkgId);
  const r1 = new Map(federation.parties.map((p) => [p.id, round1(federation, ses, p.id, rng)]));
  const ids = [1, 2, 4];
  const layout = subLayout(federation.parties, ids, federation.threshold);
  const publics = new Map<number, PublicShares>(ids.map((id) => [id, r1.get(id)!.payload]));
  const privates = new Map<number, PrivateShares>();
  for (const id of ids) {
    const r = round2(layout, ses, id, r1.get(id)!.secret, publics, rng);
    if (!r.ok) throw new Error('round 2 failed');
    privates.set(id, r.payload);
  }
  return { rng, r1, ids, layout, publics, privates, ses };
}

describe('weighted DKG through the adapter (@peg/frost)', () => {
  it('continues without a party that answered round 1 only; the shares reconstruct the key', () => {
    const { rng, r1, ids, layout, publics, privates, ses } = runDkg(7);
    const results = ids.map((id) => {
      const out = finish(layout, ses, id, r1.get(id)!.secret, publics, privates, rng);
      if (!out.ok) throw new Error('finish failed');
      return out.result;
    });
    const expected = expectedResult(layout, ses, publics);
    for (const r of results) {
      expect(r.groupKey).toBe(expected.groupKey);
      expect(r.echoHash).toBe(expected.echoHash);
    }
    // Every key id's public share checks against the group polynomial.
    const reported = new Map(
      results.flatMap((r) => r.keyIdPublicShares.map((x) => [x.keyId, x.publicShare] as const)),
    );
    expect([...reported.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(publicShareCulprits(layout, expected.groupCommitments, reported, rng)).toEqual([]);
    // A wrong one names its owner (party 4 holds key ids 4 and 5).
    const wrong = new Map(reported);
    wrong.set(4, reported.get(1)!);
    expect(publicShareCulprits(layout, expected.groupCommitments, wrong, rng)).toEqual([4]);
    // Any 3 key-id secrets interpolate to the group secret at 0.
    const secrets = new Map<number, bigint>();
    for (const r of results)
      for (const [k, x] of Object.entries(r.keyIdSecrets)) secrets.set(Number(k), BigInt(`0x${x}`));
    const xs = [1, 3, 4];
    let s = 0n;
    for (const i of xs) {
      let num = 1n;
      let den = 1n;
      for (const j of xs)
        if (j !== i) {
          num = (num * BigInt(j)) % N;
          den = (den * ((BigInt(j) - BigInt(i) + N) % N)) % N;
        }
      s = (s + secrets.get(i)! * num * secp256k1.Point.Fn.inv(den)) % N;
    }
    expect(secp256k1.Point.BASE.multiply(s).toHex(true)).toBe(expected.groupKey);
  });

  it('a bad ciphertext is found and proven; a complaint against good shares condemns its author', () => {
    const { rng, r1, layout, publics, privates, ses } = runDkg(8);
    // Party 2 flips a bit of what it sends party 1.
    const p2 = privates.get(2)!;
    const ct = p2.shares[0]!.keyShares[0]!.ciphertext;
    const flipped = (Number.parseInt(ct.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0');
    const bad: PrivateShares = {
      shares: [
        { ...p2.shares[0]!, keyShares: [{ keyId: 1, ciphertext: flipped + ct.slice(2) }] },
        ...p2.shares.slice(1),
      ],
    };
    const tampered = new Map(privates).set(2, bad);
    const out = finish(layout, ses, 1, r1.get(1)!.secret, publics, tampered, rng);
    if (out.ok) throw new Error('expected a complaint');
    expect(out.complaints.map((c) => c.accused)).toEqual([2]);
    const c = out.complaints[0]!;
    expect(judge(layout, ses, 1, c, publics, bad, rng).guilty).toBe(2);
    // The same complaint against the untampered copy: the complainer lied.
    expect(judge(layout, ses, 1, c, publics, p2, rng).guilty).toBe(1);
    // A valid-proof complaint against party 4's good shares: the complainer lied.
    const lie = complain(ses, 1, 4, r1.get(1)!.secret, publics.get(4)!, rng);
    expect(judge(layout, ses, 1, lie, publics, privates.get(4), rng)).toEqual({
      guilty: 1,
      reason: 'false-complaint',
    });
    // A complaint with a broken proof: the complainer.
    const broken = { ...lie, proof: { ...lie.proof, response: `${'00'.repeat(31)}01` } };
    expect(judge(layout, ses, 1, broken, publics, privates.get(4), rng).guilty).toBe(1);
  });
});

describe('DKG session binding', () => {
  it('a round 1 made for another federation (same dkgId) or another DKG fails its proof here', () => {
    const rng = seededBytes(9, 'binding');
    const ours = session(3);
    const made = round1(federation, { dkgId: 3, federation: '88'.repeat(32) }, 2, rng);
    const publics = new Map([[2, made.payload]]);
    expect(round1Faults(federation, ours, publics, rng).get(2)).toBe('bad-proof-of-knowledge');
    const earlier = round1(federation, session(2), 2, rng);
    expect(round1Faults(federation, ours, new Map([[2, earlier.payload]]), rng).get(2)).toBe(
      'bad-proof-of-knowledge',
    );
    const fresh = round1(federation, ours, 2, rng);
    expect(round1Faults(federation, ours, new Map([[2, fresh.payload]]), rng).size).toBe(0);
  });
});

describe('peg address', () => {
  it('BIP86 vector: key-path output key and bech32m address of an internal key', () => {
    // BIP86, account 0, first receiving address.
    const internal = 'cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115';
    const q = outputKey(`02${internal}`, { type: 'taproot', merkleRoot: null });
    expect(q).toBe('a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c');
    expect(taprootAddress(q, 'bitcoin')).toBe(
      'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr',
    );
    expect(taprootAddress(q, 'regtest').startsWith('bcrt1p')).toBe(true);
  });
});

/**
 * Differential tests against @noble/curves' own FROST (`secp256k1_FROST`, `schnorr_FROST`):
 * the same seeded randomness must give identical bytes at every step, for every t-of-n with
 * n ≤ 7 and a few larger ones. noble is used only here and in the benches, never in src.
 */
import { __TEST, schnorr, schnorr_FROST, secp256k1_FROST } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import type { Frost } from '../src/frost.ts';
import { secp256k1, taproot } from '../src/suites.ts';
import { bytesToHex, seededRng } from './helpers.ts';

// noble's API has the same runtime shape as ours (that is the point); its TS types differ only in
// mutability/ArrayBuffer generics, so view it through our types.
type Noble = Omit<Frost, 'suite'>;
const pairs: [string, Frost, Noble][] = [
  ['secp256k1', secp256k1, secp256k1_FROST as unknown as Noble],
  ['taproot', taproot, schnorr_FROST as unknown as Noble],
];
type NobleTweak = (...args: unknown[]) => unknown;
const frostTweakPublic = __TEST.frostTweakPublic as unknown as NobleTweak;
const frostTweakSecret = __TEST.frostTweakSecret as unknown as NobleTweak;

// Object → JSON with bytes as hex, for deep byte-equality with readable diffs.
function hexify(x: unknown): unknown {
  if (x instanceof Uint8Array) return bytesToHex(x);
  if (typeof x === 'bigint') return x.toString(16);
  if (Array.isArray(x)) return x.map(hexify);
  if (x && typeof x === 'object')
    return Object.fromEntries(
      Object.entries(x)
        .filter(([k]) => !['round1Cache', 'round2Cache', 'coefficients', 'step'].includes(k))
        .map(([k, v]) => [k, hexify(v)]),
    );
  return x;
}

function signFlow(ours: Frost, noble: Noble, t: number, n: number, label: string) {
  const signers = { min: t, max: n };
  const deal = ours.trustedDealer(signers, undefined, undefined, seededRng(`${label}/deal`));
  const nobleDeal = noble.trustedDealer(signers, undefined, undefined, seededRng(`${label}/deal`));
  expect(hexify(deal)).toEqual(hexify(nobleDeal));
  // A seeded signing set of size t (not always the first t ids).
  const ids = Object.keys(deal.secretShares);
  const pick = seededRng(`${label}/pick`)(n);
  const set = ids
    .map((id, i) => ({ id, r: pick[i]! }))
    .sort((a, b) => a.r - b.r)
    .slice(0, t)
    .map((x) => x.id);
  const msg = seededRng(`${label}/msg`)(1 + (pick[0]! % 64));
  const gens = set.map((id) =>
    ours.commit(deal.secretShares[id]!, seededRng(`${label}/nonce/${id}`)),
  );
  const nobleGens = set.map((id) =>
    noble.commit(deal.secretShares[id]!, seededRng(`${label}/nonce/${id}`)),
  );
  expect(hexify(gens)).toEqual(hexify(nobleGens));
  const list = gens.map((g) => g.commitments);
  const shares: Record<string, Uint8Array> = {};
  const nobleShares: Record<string, Uint8Array> = {};
  set.forEach((id, i) => {
    shares[id] = ours.signShare(deal.secretShares[id]!, deal.public, gens[i]!.nonces, list, msg);
    nobleShares[id] = noble.signShare(
      deal.secretShares[id]!,
      deal.public,
      nobleGens[i]!.nonces,
      list,
      msg,
    );
  });
  expect(hexify(shares)).toEqual(hexify(nobleShares));
  for (const id of set.slice(0, 2))
    expect(ours.verifyShare(deal.public, list, msg, id, shares[id]!)).toBe(true);
  const sig = ours.aggregate(deal.public, list, msg, shares);
  const nobleSig = noble.aggregate(deal.public, list, msg, nobleShares);
  expect(bytesToHex(sig)).toBe(bytesToHex(nobleSig));
  expect(noble.verify(sig, msg, deal.public.commitments[0]!)).toBe(true);
  expect(ours.verify(nobleSig, msg, deal.public.commitments[0]!)).toBe(true);
  if (ours.suite.taproot)
    expect(schnorr.verify(sig, msg, deal.public.commitments[0]!.subarray(1))).toBe(true);
  expect(
    bytesToHex(
      ours.combineSecret(
        set.map((id) => deal.secretShares[id]!),
        signers,
      ),
    ),
  ).toBe(
    bytesToHex(
      noble.combineSecret(
        set.map((id) => deal.secretShares[id]!),
        signers,
      ),
    ),
  );
}

function dkgFlow(ours: Frost, noble: Noble, t: number, n: number, label: string) {
  const signers = { min: t, max: n };
  const ids = Array.from({ length: n }, (_, i) => ours.Identifier.fromNumber(i + 1));
  const r1 = ids.map((id) => ours.DKG.round1(id, signers, undefined, seededRng(`${label}/${id}`)));
  const nr1 = ids.map((id) =>
    noble.DKG.round1(id, signers, undefined, seededRng(`${label}/${id}`)),
  );
  expect(hexify(r1.map((r) => r.public))).toEqual(hexify(nr1.map((r) => r.public)));
  const pubs = r1.map((r) => r.public);
  const others = (i: number) => pubs.filter((_, j) => j !== i);
  const r2 = ids.map((_, i) => ours.DKG.round2(r1[i]!.secret, others(i)));
  const nr2 = ids.map((_, i) => noble.DKG.round2(nr1[i]!.secret, others(i)));
  expect(hexify(r2)).toEqual(hexify(nr2));
  const inbox = (all: typeof r2, i: number) =>
    ids.filter((_, j) => j !== i).map((_, k) => all[k >= i ? k + 1 : k]![ids[i]!]!);
  const keys = ids.map((_, i) => ours.DKG.round3(r1[i]!.secret, others(i), inbox(r2, i)));
  const nkeys = ids.map((_, i) => noble.DKG.round3(nr1[i]!.secret, others(i), inbox(nr2, i)));
  expect(hexify(keys)).toEqual(hexify(nkeys));
}

for (const [name, ours, noble] of pairs) {
  describe(`${name}: identical bytes to noble for the same randomness`, () => {
    for (let n = 2; n <= 7; n++)
      for (let t = 2; t <= n; t++) {
        it(`${t}-of-${n}: dealer, commit, signShare, aggregate, combineSecret`, () =>
          signFlow(ours, noble, t, n, `${name}/${t}/${n}`));
        it(`${t}-of-${n}: DKG round1, round2, round3`, () =>
          dkgFlow(ours, noble, t, n, `${name}/dkg/${t}/${n}`));
      }
    it('11-of-15 and 20-of-30: signing', () => {
      signFlow(ours, noble, 11, 15, `${name}/11/15`);
      signFlow(ours, noble, 20, 30, `${name}/20/30`);
    });
    it('11-of-15: DKG', () => dkgFlow(ours, noble, 11, 15, `${name}/dkg/11/15`));
    it('67-of-100: signing', () => signFlow(ours, noble, 67, 100, `${name}/67/100`), 120_000);
  });
}

describe('taproot: whole-package tweaks equal noble internals', () => {
  for (const [i, root] of [new Uint8Array(0), new Uint8Array(32).fill(7)].entries()) {
    it(`merkle root #${i}`, () => {
      for (let k = 0; k < 6; k++) {
        const deal = taproot.trustedDealer(
          { min: 2, max: 3 },
          undefined,
          undefined,
          seededRng(`tw/${i}/${k}`),
        );
        expect(hexify(taproot.tweakPublic(deal.public, root))).toEqual(
          hexify(frostTweakPublic(deal.public, root)),
        );
        for (const s of Object.values(deal.secretShares))
          expect(hexify(taproot.tweakSecret(s, deal.public, root))).toEqual(
            hexify(frostTweakSecret(s, deal.public, root)),
          );
      }
    });
  }
});

describe('Identifier.derive equals noble (H_ID over UTF-8)', () => {
  for (const [name, ours, noble] of pairs)
    it(name, () => {
      for (const s of ['alice@example.com', 'bob', '', 'ünïcode ✓'])
        expect(ours.Identifier.derive(s)).toBe(noble.Identifier.derive(s));
      expect(secp256k1.Identifier.derive('alice@example.com').startsWith('961cce17')).toBe(true);
    });
});

/**
 * Bad input is rejected at the boundary with a clear error, never turned into a wrong
 * signature: identity points, off-curve and non-canonical encodings, scalars ≥ n, zero and
 * duplicate identifiers, commitment lists that miss the signer or hold it twice, reused nonces.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidEncodingError,
  InvalidProofOfKnowledgeError,
  InvalidSecretShareError,
  InvalidSessionError,
  InvalidSignatureShareError,
  NonceReuseError,
} from '../src/errors.ts';
import type { Frost } from '../src/frost.ts';
import { generateSecretPolynomial } from '../src/keys/dealer.ts';
import type { DKG_Round1 } from '../src/keys/types.ts';
import { N } from '../src/math/scalar.ts';
import { secp256k1, taproot } from '../src/suites.ts';
import { hexToBytes, seededRng } from './helpers.ts';

const P = 2n ** 256n - 2n ** 32n - 977n;
const NBYTES = hexToBytes(N.toString(16));
const ZERO32 = new Uint8Array(32);
const IDENTITY_1 = new Uint8Array([0]);
const ZERO33 = new Uint8Array(33);
const OFF_CURVE = hexToBytes(`02${'5'.padStart(64, '0')}`); // 5³+7 is not a square mod p
const NON_CANONICAL = hexToBytes(`02${(P + 1n).toString(16)}`); // x ≥ p
const ZERO_ID = '0'.repeat(64);

function setup(frost: Frost, t = 2, n = 3) {
  const deal = frost.trustedDealer(
    { min: t, max: n },
    undefined,
    undefined,
    seededRng(`bad/${frost.suite.contextString}`),
  );
  const ids = Object.keys(deal.secretShares);
  const msg = new TextEncoder().encode('bad input');
  const gens = ids
    .slice(0, t)
    .map((id) => frost.commit(deal.secretShares[id]!, seededRng(`bn/${id}`)));
  const list = gens.map((g) => g.commitments);
  return { deal, ids, msg, gens, list };
}

for (const frost of [secp256k1, taproot]) {
  describe(`${frost.suite.contextString}: bad input`, () => {
    it('rejects identity, off-curve and non-canonical points in the commitment list', () => {
      const { deal, ids, msg, gens, list } = setup(frost);
      for (const bad of [
        IDENTITY_1,
        ZERO33,
        OFF_CURVE,
        NON_CANONICAL,
        deal.public.commitments[0]!.subarray(1),
      ]) {
        for (const field of ['hiding', 'binding'] as const) {
          const tampered = [list[0]!, { ...list[1]!, [field]: bad }];
          expect(() =>
            frost.signShare(
              deal.secretShares[ids[0]!]!,
              deal.public,
              gens[0]!.nonces,
              tampered,
              msg,
            ),
          ).toThrow(InvalidEncodingError);
          expect(() => frost.aggregate(deal.public, tampered, msg, {})).toThrow(
            InvalidEncodingError,
          );
          expect(() => frost.verifyShare(deal.public, tampered, msg, ids[0]!, ZERO32)).toThrow(
            InvalidEncodingError,
          );
        }
      }
      // The nonces were never consumed by the failed attempts: they still sign.
      expect(
        frost.signShare(deal.secretShares[ids[0]!]!, deal.public, gens[0]!.nonces, list, msg)
          .length,
      ).toBe(32);
    });

    it('rejects bad group keys, verifying shares and VSS commitments', () => {
      const { deal, ids, msg, list } = setup(frost);
      for (const bad of [IDENTITY_1, ZERO33, OFF_CURVE, NON_CANONICAL]) {
        const badKey = { ...deal.public, commitments: [bad, deal.public.commitments[1]!] };
        expect(() => frost.aggregate(badKey, list, msg, {})).toThrow(InvalidEncodingError);
        expect(() => frost.validateSecret(deal.secretShares[ids[0]!]!, badKey)).toThrow(
          InvalidEncodingError,
        );
        const badShare = {
          ...deal.public,
          verifyingShares: { ...deal.public.verifyingShares, [ids[0]!]: bad },
        };
        expect(() => frost.verifyShare(badShare, list, msg, ids[0]!, ZERO32)).toThrow(
          InvalidEncodingError,
        );
        expect(frost.verify(new Uint8Array(frost.suite.signatureLength), msg, bad)).toBe(false);
      }
    });

    it('rejects scalars ≥ n: signing share, nonces, dealer secret, signature shares', () => {
      const { deal, ids, msg, gens, list } = setup(frost);
      const badSecret = { identifier: ids[0]!, signingShare: NBYTES };
      expect(() => frost.commit(badSecret)).toThrow(InvalidEncodingError);
      expect(() => frost.signShare(badSecret, deal.public, gens[0]!.nonces, list, msg)).toThrow(
        InvalidEncodingError,
      );
      expect(() =>
        frost.signShare(
          deal.secretShares[ids[0]!]!,
          deal.public,
          { hiding: NBYTES, binding: gens[0]!.nonces.binding },
          list,
          msg,
        ),
      ).toThrow(InvalidEncodingError);
      expect(() => frost.trustedDealer({ min: 2, max: 3 }, undefined, NBYTES)).toThrow(
        InvalidEncodingError,
      );
      expect(() => frost.trustedDealer({ min: 2, max: 3 }, undefined, ZERO32)).toThrow(/zero/);
      expect(frost.verifyShare(deal.public, list, msg, ids[0]!, NBYTES)).toBe(false);
      // A share ≥ n in aggregate names its sender.
      const shares = Object.fromEntries(
        ids
          .slice(0, 2)
          .map((id, j) => [
            id,
            frost.signShare(deal.secretShares[id]!, deal.public, gens[j]!.nonces, list, msg),
          ]),
      );
      try {
        frost.aggregate(deal.public, list, msg, { ...shares, [ids[1]!]: NBYTES });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidSignatureShareError);
        expect((err as InvalidSignatureShareError).culprits).toEqual([ids[1]]);
      }
      const sig = frost.aggregate(deal.public, list, msg, shares);
      const highZ = sig.slice();
      highZ.set(NBYTES, sig.length - 32);
      expect(frost.verify(highZ, msg, deal.public.commitments[0]!)).toBe(false);
    });

    it('rejects zero and duplicate identifiers', () => {
      const { deal, ids, msg, gens, list } = setup(frost);
      expect(() => frost.Identifier.fromNumber(0)).toThrow(RangeError);
      expect(() => frost.Identifier.fromNumber(1.5)).toThrow(TypeError);
      expect(() => frost.trustedDealer({ min: 2, max: 3 }, [ids[0]!, ids[0]!, ids[1]!])).toThrow(
        /duplicate/,
      );
      expect(() => frost.trustedDealer({ min: 2, max: 3 }, [ZERO_ID, ids[0]!, ids[1]!])).toThrow(
        /zero/,
      );
      const derived = frost.Identifier.derive('alice@example.com');
      expect(
        frost.trustedDealer({ min: 2, max: 3 }, [derived, ids[1]!, ids[2]!]).secretShares[derived],
      ).toBeDefined();
      expect(() =>
        frost.trustedDealer({ min: 2, max: 3 }, [derived.toUpperCase(), ids[1]!, ids[2]!]),
      ).toThrow(InvalidEncodingError);
      const zeroList = [list[0]!, { ...list[1]!, identifier: ZERO_ID }];
      expect(() =>
        frost.signShare(deal.secretShares[ids[0]!]!, deal.public, gens[0]!.nonces, zeroList, msg),
      ).toThrow(/zero/);
      const both = [deal.secretShares[ids[0]!]!, deal.secretShares[ids[0]!]!];
      expect(() => frost.combineSecret(both, deal.public.signers)).toThrow(/duplicate/);
      expect(() => frost.trustedDealer({ min: 1, max: 3 })).toThrow(RangeError);
      expect(() => frost.trustedDealer({ min: 4, max: 3 })).toThrow(RangeError);
    });

    it('signer missing from the commitment list, or in it twice, or with other commitments', () => {
      const { deal, ids, msg, gens, list } = setup(frost, 2, 4);
      const other = frost.commit(deal.secretShares[ids[2]!]!, seededRng('other')).commitments;
      const secret = deal.secretShares[ids[0]!]!;
      expect(() =>
        frost.signShare(secret, deal.public, gens[0]!.nonces, [list[1]!, other], msg),
      ).toThrow(/does not contain this signer/);
      expect(() =>
        frost.signShare(secret, deal.public, gens[0]!.nonces, [list[0]!, list[0]!, list[1]!], msg),
      ).toThrow(/twice/);
      const swapped = [
        { ...list[0]!, hiding: list[0]!.binding, binding: list[0]!.hiding },
        list[1]!,
      ];
      expect(() => frost.signShare(secret, deal.public, gens[0]!.nonces, swapped, msg)).toThrow(
        /does not match/,
      );
      expect(() => frost.signShare(secret, deal.public, gens[0]!.nonces, [list[0]!], msg)).toThrow(
        InvalidSessionError,
      );
      expect(() => frost.aggregate(deal.public, [list[0]!, list[0]!], msg, {})).toThrow(/twice/);
      // Share set differing from the commitment list.
      const s0 = frost.signShare(secret, deal.public, gens[0]!.nonces, list, msg);
      expect(() => frost.aggregate(deal.public, list, msg, { [ids[0]!]: s0 })).toThrow(
        InvalidSessionError,
      );
      expect(() =>
        frost.aggregate(deal.public, list, msg, { [ids[0]!]: s0, [ids[2]!]: s0 }),
      ).toThrow(InvalidSessionError);
    });

    it('a signer without a verifying share in the key package is refused by aggregate', () => {
      const { deal, ids, msg, gens, list } = setup(frost);
      const shares = Object.fromEntries(
        ids
          .slice(0, 2)
          .map((id, j) => [
            id,
            frost.signShare(deal.secretShares[id]!, deal.public, gens[j]!.nonces, list, msg),
          ]),
      );
      const { [ids[1]!]: _dropped, ...rest } = deal.public.verifyingShares;
      const pub = { ...deal.public, verifyingShares: rest };
      expect(() => frost.aggregate(pub, list, msg, shares)).toThrow(/no verifying share/);
      expect(() => frost.verifyShare(pub, list, msg, ids[1]!, shares[ids[1]!]!)).toThrow(
        /no verifying share/,
      );
    });

    it('a nonce object is single-use', () => {
      const { deal, ids, msg, gens, list } = setup(frost);
      const secret = deal.secretShares[ids[0]!]!;
      const nonces = gens[0]!.nonces;
      const copy = { hiding: nonces.hiding.slice(), binding: nonces.binding.slice() };
      frost.signShare(secret, deal.public, nonces, list, msg);
      expect(nonces.hiding.every((b) => b === 0)).toBe(true);
      expect(() => frost.signShare(secret, deal.public, nonces, list, msg)).toThrow(
        NonceReuseError,
      );
      // The WeakSet catches the same object even if the caller restored its bytes.
      nonces.hiding.set(copy.hiding);
      nonces.binding.set(copy.binding);
      expect(() => frost.signShare(secret, deal.public, nonces, list, msg)).toThrow(
        NonceReuseError,
      );
    });

    it('DKG: bad proofs of knowledge and bad shares name their senders', () => {
      const signers = { min: 2, max: 4 };
      const ids = [1, 2, 3, 4].map((i) => frost.Identifier.fromNumber(i));
      const r1 = ids.map((id) =>
        frost.DKG.round1(id, signers, undefined, seededRng(`dkgbad/${id}`)),
      );
      const pubs: DKG_Round1[] = r1.map((r) => r.public);
      const forged = pubs.map((p, i) =>
        i === 2 ? { ...p, proofOfKnowledge: pubs[1]!.proofOfKnowledge } : p,
      );
      try {
        frost.DKG.round2(r1[0]!.secret, forged.slice(1));
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidProofOfKnowledgeError);
        expect((err as InvalidProofOfKnowledgeError).culprits).toEqual([ids[2]]);
      }
      expect(() => frost.DKG.round2(r1[0]!.secret, [pubs[1]!, pubs[1]!, pubs[2]!])).toThrow(
        /duplicate/,
      );
      expect(() => frost.DKG.round2(r1[0]!.secret, [pubs[0]!, pubs[1]!, pubs[2]!])).toThrow(
        /ourselves/,
      );
      const badCommit = { ...pubs[1]!, commitment: [pubs[1]!.commitment[0]!, OFF_CURVE] };
      expect(() => frost.DKG.round2(r1[0]!.secret, [badCommit, pubs[2]!, pubs[3]!])).toThrow(
        InvalidEncodingError,
      );
      const r2 = ids.map((_, i) =>
        frost.DKG.round2(
          r1[i]!.secret,
          pubs.filter((_, j) => j !== i),
        ),
      );
      const inbox = [1, 2, 3].map((k) => r2[k]![ids[0]!]!);
      const tampered = inbox.map((m, k) =>
        k === 1 ? { ...m, signingShare: inbox[0]!.signingShare } : m,
      );
      try {
        frost.DKG.round3(r1[0]!.secret, pubs.slice(1), tampered);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidSecretShareError);
        expect((err as InvalidSecretShareError).culprits).toEqual([ids[2]]);
      }
      expect(() =>
        frost.DKG.round3(r1[0]!.secret, pubs.slice(1), [
          inbox[0]!,
          { ...inbox[1]!, signingShare: NBYTES },
          inbox[2]!,
        ]),
      ).toThrow(InvalidEncodingError);
      expect(() =>
        frost.DKG.round3(r1[0]!.secret, [pubs[1]!, forged[2]!, pubs[3]!], inbox),
      ).toThrow(/differ/);
      // After the failures, the honest inputs still complete.
      const key = frost.DKG.round3(r1[0]!.secret, pubs.slice(1), inbox);
      frost.validateSecret(key.secret, key.public);
    });
  });
}

describe('generateSecretPolynomial', () => {
  it('checks the signer counts it is given', () => {
    const rng = seededRng('poly');
    expect(generateSecretPolynomial({ min: 2, max: 3 }, undefined, rng).coefficients).toHaveLength(
      2,
    );
    for (const min of [0, 1, 4, 2.5]) {
      expect(() => generateSecretPolynomial({ min, max: 3 }, undefined, rng)).toThrow(
        /signers\.min/,
      );
    }
    expect(() => generateSecretPolynomial({ min: 2, max: 3 }, NBYTES, rng)).toThrow(
      InvalidEncodingError,
    );
  });
});

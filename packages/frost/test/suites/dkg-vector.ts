/**
 * Runs a ZF DKG vector file (3 participants) through round1/round2/round3 of a suite and
 * compares every value: VSS commitments, proofs of knowledge (reproduced byte for byte by
 * recovering the PoK nonce k = μ − a_0·c and feeding it through the RNG), the shares sent to
 * every peer, each final signing share, every verifying share and the group key.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import type { Frost } from '../../src/frost.ts';
import type { DKG_Round1, DKG_Round2 } from '../../src/keys/types.ts';
import { decodePoint, decodeXOnly, encodePoint, G } from '../../src/math/point.ts';
import { encodeScalar, mul, sub } from '../../src/math/scalar.ts';
import { bytesForScalar, bytesToHex, hexToBigint, hexToBytes, scriptedRng } from '../helpers.ts';

type Participant = {
  identifier: number;
  signing_key: string;
  coefficient: string;
  vss_commitments: string[];
  proof_of_knowledge: string;
  signing_shares: Record<string, string>;
  verifying_share: string;
  signing_share: string;
};
export type DkgVector = {
  config: { MAX_PARTICIPANTS: number; MIN_PARTICIPANTS: number };
  inputs: { verifying_key: string } & Record<string, Participant | string>;
};

export function runDkgVector(frost: Frost, v: DkgVector): void {
  const signers = { min: v.config.MIN_PARTICIPANTS, max: v.config.MAX_PARTICIPANTS };
  const parts = Object.keys(v.inputs)
    .filter((k) => k !== 'verifying_key')
    .map((k) => v.inputs[k] as Participant);
  const id = (n: number) => frost.Identifier.fromNumber(n);

  // Recover each PoK nonce so that round1 reproduces the vector's proof byte for byte.
  const pokNonce = (p: Participant): bigint => {
    const pok = hexToBytes(p.proof_of_knowledge);
    const taproot = frost.suite.taproot;
    const R = taproot
      ? decodeXOnly(pok.subarray(0, 32), 'R')
      : decodePoint(pok.subarray(0, 33), 'R');
    const mu = hexToBigint(bytesToHex(pok.subarray(taproot ? 32 : 33)));
    const phi0 = G.multiply(hexToBigint(p.signing_key));
    const buf = new Uint8Array(98);
    buf.set(encodeScalar(BigInt(p.identifier)), 0);
    buf.set(encodePoint(phi0), 32);
    buf.set(encodePoint(R), 65);
    const k = sub(mu, mul(hexToBigint(p.signing_key), frost.suite.HDKG(buf)));
    expect(G.multiply(k).equals(R)).toBe(true); // the proof verifies
    return k;
  };

  const r1 = parts.map((p) =>
    frost.DKG.round1(
      id(p.identifier),
      signers,
      hexToBytes(p.signing_key),
      scriptedRng([bytesForScalar(hexToBigint(p.coefficient)), bytesForScalar(pokNonce(p))]),
    ),
  );

  it('round1: VSS commitments and proofs of knowledge', () => {
    parts.forEach((p, i) => {
      expect(r1[i]!.public.commitment.map(bytesToHex)).toEqual(p.vss_commitments);
      expect(bytesToHex(r1[i]!.public.proofOfKnowledge)).toBe(p.proof_of_knowledge);
    });
  });

  const publics: DKG_Round1[] = r1.map((r) => r.public);
  const r2 = parts.map((_, i) =>
    frost.DKG.round2(
      r1[i]!.secret,
      publics.filter((_, j) => j !== i),
    ),
  );

  it('round2: the share sent to each peer is f_sender(peer)', () => {
    parts.forEach((sender, i) => {
      for (const peer of parts) {
        if (peer === sender) continue;
        const msg = r2[i]![id(peer.identifier)]!;
        expect(msg.identifier).toBe(id(sender.identifier));
        expect(bytesToHex(msg.signingShare)).toBe(peer.signing_shares[String(sender.identifier)]);
      }
    });
  });

  describe('round3', () => {
    const keys = parts.map((p, i) => {
      const received: DKG_Round2[] = parts
        .filter((q) => q !== p)
        .map((q) => ({
          identifier: id(q.identifier),
          signingShare: hexToBytes(p.signing_shares[String(q.identifier)]!),
        }));
      return frost.DKG.round3(
        r1[i]!.secret,
        publics.filter((_, j) => j !== i),
        received,
      );
    });
    it('signing shares, verifying shares and group key', () => {
      parts.forEach((p, i) => {
        const k = keys[i]!;
        expect(bytesToHex(k.secret.signingShare)).toBe(p.signing_share);
        expect(bytesToHex(k.public.commitments[0]!)).toBe(v.inputs.verifying_key);
        for (const q of parts)
          expect(bytesToHex(k.public.verifyingShares[id(q.identifier)]!)).toBe(q.verifying_share);
        frost.validateSecret(k.secret, k.public);
      });
    });
    it('the keys sign: a 2-party signature verifies under the group key', () => {
      const msg = new TextEncoder().encode('dkg vector sign');
      const signersIdx = [0, 2];
      const gens = signersIdx.map((i) => frost.commit(keys[i]!.secret));
      const list = gens.map((g) => g.commitments);
      const shares = Object.fromEntries(
        signersIdx.map((i, j) => [
          keys[i]!.secret.identifier,
          frost.signShare(keys[i]!.secret, keys[i]!.public, gens[j]!.nonces, list, msg),
        ]),
      );
      const pub = keys[0]!.public;
      const sig = frost.aggregate(pub, list, msg, shares);
      expect(frost.verify(sig, msg, pub.commitments[0]!)).toBe(true);
      if (frost.suite.taproot)
        expect(schnorr.verify(sig, msg, pub.commitments[0]!.subarray(1))).toBe(true);
    });
  });
}

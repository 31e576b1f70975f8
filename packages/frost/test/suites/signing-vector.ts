/**
 * Runs one RFC 9591 / ZF signing vector file against a suite, comparing every intermediate
 * value the file gives: participant shares, nonces (from the given randomness), commitments,
 * binding_factor_input, binding factors, signature shares and the final signature.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import type { Frost } from '../../src/frost.ts';
import type { FrostPublic, FrostSecret, NonceCommitments } from '../../src/keys/types.ts';
import { decodePoint, encodePoint, G } from '../../src/math/point.ts';
import { evaluate } from '../../src/math/polynomial.ts';
import { decodeScalar, encodeScalar, N } from '../../src/math/scalar.ts';
import { createSession, signingKey } from '../../src/sign/session.ts';
import { bytesToHex, hexToBigint, hexToBytes, scriptedRng } from '../helpers.ts';

export type SigningVector = {
  config: { MAX_PARTICIPANTS: string; MIN_PARTICIPANTS: string; NUM_PARTICIPANTS: string };
  inputs: {
    participant_list: number[];
    group_secret_key: string;
    group_public_key?: string;
    verifying_key_key?: string;
    message: string;
    share_polynomial_coefficients: string[];
    participant_shares: { identifier: number; participant_share: string }[];
  };
  round_one_outputs: {
    outputs: {
      identifier: number;
      hiding_nonce_randomness: string;
      binding_nonce_randomness: string;
      hiding_nonce: string;
      binding_nonce: string;
      hiding_nonce_commitment: string;
      binding_nonce_commitment: string;
      binding_factor_input: string;
      binding_factor: string;
    }[];
  };
  round_two_outputs: { outputs: { identifier: number; sig_share: string }[] };
  final_output: { sig: string };
};

export function runSigningVector(frost: Frost, v: SigningVector): void {
  const min = Number(v.config.MIN_PARTICIPANTS);
  const max = Number(v.config.MAX_PARTICIPANTS);
  const msg = hexToBytes(v.inputs.message);
  const groupKeyHex = v.inputs.group_public_key ?? v.inputs.verifying_key_key!;
  const secret = hexToBigint(v.inputs.group_secret_key);
  const coeffs = [secret, ...v.inputs.share_polynomial_coefficients.map(hexToBigint)];
  const id = (n: number) => frost.Identifier.fromNumber(n);
  const pub: FrostPublic = {
    signers: { min, max },
    commitments: coeffs.map((c) => encodePoint(G.multiply(c))),
    verifyingShares: Object.fromEntries(
      v.inputs.participant_shares.map((p) => [
        id(p.identifier),
        encodePoint(G.multiply(hexToBigint(p.participant_share))),
      ]),
    ),
  };
  const secretOf = (n: number): FrostSecret => {
    const p = v.inputs.participant_shares.find((s) => s.identifier === n)!;
    return { identifier: id(n), signingShare: hexToBytes(p.participant_share) };
  };

  describe('keys', () => {
    it('group public key is the secret times G', () => {
      expect(bytesToHex(pub.commitments[0]!)).toBe(groupKeyHex);
    });
    it('every participant share is f(identifier)', () => {
      for (const p of v.inputs.participant_shares)
        expect(bytesToHex(encodeScalar(evaluate(coeffs, BigInt(p.identifier))))).toBe(
          p.participant_share,
        );
    });
    it('validateSecret accepts every share and combineSecret recovers the key', () => {
      for (const p of v.inputs.participant_shares)
        frost.validateSecret(secretOf(p.identifier), pub);
      const shares = v.inputs.participant_list.map(secretOf);
      expect(bytesToHex(frost.combineSecret(shares, { min, max }))).toBe(v.inputs.group_secret_key);
    });
  });

  const r1 = v.round_one_outputs.outputs;
  const generated = r1.map((o) =>
    frost.commit(
      secretOf(o.identifier),
      scriptedRng([hexToBytes(o.hiding_nonce_randomness), hexToBytes(o.binding_nonce_randomness)]),
    ),
  );
  const commitmentList: NonceCommitments[] = generated.map((g) => g.commitments);

  describe('round one', () => {
    it('nonces and commitments', () => {
      r1.forEach((o, i) => {
        const g = generated[i]!;
        expect(bytesToHex(g.nonces.hiding)).toBe(o.hiding_nonce);
        expect(bytesToHex(g.nonces.binding)).toBe(o.binding_nonce);
        expect(bytesToHex(g.commitments.hiding)).toBe(o.hiding_nonce_commitment);
        expect(bytesToHex(g.commitments.binding)).toBe(o.binding_nonce_commitment);
      });
    });
    it('binding_factor_input and binding factors', () => {
      const key = signingKey(frost.suite, decodePoint(pub.commitments[0], 'pk'));
      const session = createSession(
        key,
        commitmentList.map((c) => ({
          id: BigInt(`0x${c.identifier}`),
          hiding: decodePoint(c.hiding, 'D'),
          binding: decodePoint(c.binding, 'E'),
        })),
        msg,
      );
      r1.forEach((o, i) => {
        expect(bytesToHex(session.bindingFactorInputs[i]!)).toBe(o.binding_factor_input);
        expect(bytesToHex(encodeScalar(session.bindingFactors[i]!))).toBe(o.binding_factor);
      });
    });
  });

  describe('round two and aggregation', () => {
    const shares: Record<string, Uint8Array> = {};
    it('signature shares', () => {
      v.round_two_outputs.outputs.forEach((o, i) => {
        const g = generated[i]!;
        const share = frost.signShare(secretOf(o.identifier), pub, g.nonces, commitmentList, msg);
        expect(bytesToHex(share)).toBe(o.sig_share);
        shares[id(o.identifier)] = share;
        expect(frost.verifyShare(pub, commitmentList, msg, id(o.identifier), share)).toBe(true);
      });
    });
    it('final signature (optimistic and with every share verified)', () => {
      const sig = frost.aggregate(pub, commitmentList, msg, shares);
      expect(bytesToHex(sig)).toBe(v.final_output.sig);
      expect(
        bytesToHex(frost.aggregate(pub, commitmentList, msg, shares, { verifyShares: true })),
      ).toBe(v.final_output.sig);
      expect(frost.verify(sig, msg, pub.commitments[0]!)).toBe(true);
      if (frost.suite.taproot)
        expect(schnorr.verify(sig, msg, pub.commitments[0]!.subarray(1))).toBe(true);
      // z is the sum of the shares
      const z = decodeScalar(sig.subarray(sig.length - 32), 'z');
      const sum = Object.values(shares).reduce((a, s) => (a + decodeScalar(s, 's')) % N, 0n);
      expect(z).toBe(sum);
    });
  });
}

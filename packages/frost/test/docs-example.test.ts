/**
 * The worked example of docs/frost.md and README.md, run as a test so the docs stay true:
 * keys by DKG (3 participants, threshold 2), sign with two of them, verify with an independent
 * BIP340 verifier.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { expect, it } from 'vitest';
import { InvalidSignatureShareError, taproot } from '../src/index.ts';

it('docs/frost.md worked example', () => {
  // --- example start ---
  const signers = { min: 2, max: 3 };
  const ids = [1, 2, 3].map((i) => taproot.Identifier.fromNumber(i));

  // DKG round 1: everyone broadcasts commitments + a proof of knowledge.
  const r1 = ids.map((id) => taproot.DKG.round1(id, signers));
  const broadcast = r1.map((r) => r.public);
  const othersOf = (i: number) => broadcast.filter((_, j) => j !== i);

  // DKG round 2: everyone sends one secret share to each peer (encrypt these in transit).
  const r2 = r1.map((r, i) => taproot.DKG.round2(r.secret, othersOf(i)));

  // DKG round 3: everyone checks what it received and gets its key package.
  const keys = r1.map((r, i) => {
    const inbox = r2.filter((_, j) => j !== i).map((out) => out[ids[i]!]!);
    return taproot.DKG.round3(r.secret, othersOf(i), inbox);
  });
  const pub = keys[0]!.public; // identical for everyone
  const xOnlyKey = pub.commitments[0]!.subarray(1); // the Taproot output key (already TapTweaked)

  // Signing with participants 1 and 3.
  const msg = new TextEncoder().encode('pay 0.1 BTC to bc1p…');
  const signing = [keys[0]!, keys[2]!];
  const round1 = signing.map((k) => taproot.commit(k.secret)); // nonces stay with each signer
  const commitmentList = round1.map((r) => r.commitments); // the coordinator sends this list
  const shares = Object.fromEntries(
    signing.map((k, i) => [
      k.secret.identifier,
      taproot.signShare(k.secret, k.public, round1[i]!.nonces, commitmentList, msg),
    ]),
  );
  const signature = taproot.aggregate(pub, commitmentList, msg, shares); // 64 bytes

  // Any BIP340 verifier accepts it, e.g. noble's:
  const ok = schnorr.verify(signature, msg, xOnlyKey);
  // --- example end ---
  expect(ok).toBe(true);
  expect(signature.length).toBe(64);
  expect(taproot.verify(signature, msg, xOnlyKey)).toBe(true);

  // Cheater detection: a wrong share is named.
  const bad = { ...shares, [ids[2]!]: shares[ids[0]!]! };
  expect(() => taproot.aggregate(pub, commitmentList, msg, bad)).toThrow(
    InvalidSignatureShareError,
  );
  try {
    taproot.aggregate(pub, commitmentList, msg, bad);
  } catch (err) {
    expect((err as InvalidSignatureShareError).culprits).toEqual([ids[2]]);
  }
});

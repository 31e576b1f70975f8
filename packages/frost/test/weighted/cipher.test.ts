import { concatBytes as concat } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { ShareDecryptionError } from '../../src/errors.ts';
import { G } from '../../src/math/point.ts';
import { N } from '../../src/math/scalar.ts';
import { randomScalar } from '../../src/random.ts';
import { decodeDleq, encodeDleq, proveDleq, verifyDleq } from '../../src/weighted/dleq.ts';
import { u32 } from '../../src/weighted/encoding.ts';
import {
  decryptShare,
  encryptShare,
  pairKey,
  SHARE_CIPHERTEXT_LENGTH,
} from '../../src/weighted/share-cipher.ts';
import { random } from './helpers.ts';

describe('share encryption', () => {
  const dkgId = random(32);
  const a = randomScalar(random);
  const b = randomScalar(random);
  const c = randomScalar(random);
  const A = G.multiply(a);
  const B = G.multiply(b);
  const C = G.multiply(c);
  // sender 7 (key a), recipient 9 (key b), outsider 11 (key c)
  const senderKey = pairKey(dkgId, 7, 9, B.multiply(a));
  const recipientKey = pairKey(dkgId, 9, 7, A.multiply(b));
  const share = randomScalar(random);
  const ct = encryptShare(senderKey, dkgId, 7, 9, 42, share);

  it('both ends derive the same key; the recipient opens the share', () => {
    expect(senderKey).toEqual(recipientKey);
    expect(ct.length).toBe(SHARE_CIPHERTEXT_LENGTH);
    expect(decryptShare(recipientKey, dkgId, 7, 9, 42, ct)).toBe(share);
  });

  it('nobody else can open it', () => {
    const outsider = [
      pairKey(dkgId, 7, 9, A.multiply(c)),
      pairKey(dkgId, 7, 9, B.multiply(c)),
      pairKey(dkgId, 11, 9, C.multiply(b)),
    ];
    for (const k of outsider)
      expect(() => decryptShare(k, dkgId, 7, 9, 42, ct)).toThrow(ShareDecryptionError);
  });

  it('fails if any associated-data field changes', () => {
    const other = random(32);
    expect(() => decryptShare(recipientKey, other, 7, 9, 42, ct)).toThrow(/authentication failed/);
    expect(() => decryptShare(recipientKey, dkgId, 8, 9, 42, ct)).toThrow(/authentication failed/);
    expect(() => decryptShare(recipientKey, dkgId, 7, 10, 42, ct)).toThrow(/authentication failed/);
    expect(() => decryptShare(recipientKey, dkgId, 7, 9, 43, ct)).toThrow(/authentication failed/);
    // a pair key derived for another DKG id
    expect(() => decryptShare(pairKey(other, 7, 9, B.multiply(a)), dkgId, 7, 9, 42, ct)).toThrow(
      /authentication failed/,
    );
  });

  it('fails on any flipped ciphertext bit and on a wrong length', () => {
    for (const i of [0, 31, 32, 47]) {
      const bad = ct.slice();
      bad[i] = (bad[i] as number) ^ 1;
      expect(() => decryptShare(recipientKey, dkgId, 7, 9, 42, bad)).toThrow(ShareDecryptionError);
    }
    expect(() => decryptShare(recipientKey, dkgId, 7, 9, 42, ct.subarray(0, 47))).toThrow(
      /wrong length/,
    );
  });

  it('error messages carry no secret material', () => {
    try {
      decryptShare(recipientKey, dkgId, 7, 9, 43, ct);
      expect.unreachable('a ciphertext moved to another key id must not open');
    } catch (e) {
      expect(e).toBeInstanceOf(ShareDecryptionError);
      const msg = (e as Error).message;
      expect(msg).not.toContain(share.toString(16));
      expect(msg).not.toContain(Buffer.from(recipientKey).toString('hex'));
    }
  });
});

describe('Chaum-Pedersen DLEQ proof', () => {
  const ctx = concat(random(32), u32(1), u32(2));
  const a = randomScalar(random);
  const B = G.multiply(randomScalar(random));
  const A = G.multiply(a);
  const { K, proof } = proveDleq(ctx, a, B, random);

  it('verifies, and round-trips its 64-byte encoding', () => {
    expect(K.equals(B.multiply(a))).toBe(true);
    expect(verifyDleq(ctx, A, B, K, proof)).toBe(true);
    expect(verifyDleq(ctx, A, B, K, decodeDleq(encodeDleq(proof)))).toBe(true);
  });

  it('rejects a wrong point, another context, another key and a tampered proof', () => {
    expect(verifyDleq(ctx, A, B, K.add(G), proof)).toBe(false);
    expect(verifyDleq(concat(ctx, u32(0)), A, B, K, proof)).toBe(false);
    expect(verifyDleq(ctx, A.add(G), B, K, proof)).toBe(false);
    expect(verifyDleq(ctx, A, B.add(G), K, proof)).toBe(false);
    expect(verifyDleq(ctx, A, B, K, { c: proof.c, z: (proof.z + 1n) % N })).toBe(false);
    expect(verifyDleq(ctx, A, B, K, { c: (proof.c + 1n) % N, z: proof.z })).toBe(false);
  });

  it('a proof for K = b·A made without knowing a does not verify', () => {
    // Someone knowing only b cannot prove log_G(A) = log_B(K) with the honest tuple for another a.
    const fake = proveDleq(ctx, randomScalar(random), B, random);
    expect(verifyDleq(ctx, A, B, fake.K, fake.proof)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import {
  dkgComplain,
  dkgEncryptShares,
  dkgJudgeComplaint,
  dkgOpenShare,
  dkgRound1,
  verifyPublicPackage,
} from './crypto.ts';
import { seededBytes } from './sim/random.ts';

const rng = seededBytes(3, 'crypto-test');
const ctx = { dkgId: 7 };
const a = dkgRound1(ctx, 1, 3, rng);
const b = dkgRound1(ctx, 2, 3, rng);
const recipients = [
  { partyId: 1, keyIds: [1], kexPublicKey: a.public.kexPublicKey },
  { partyId: 2, keyIds: [2, 3], kexPublicKey: b.public.kexPublicKey },
];

describe('DKG adapter', () => {
  it('proof of knowledge: valid, and bound to dkgId, party id and length', () => {
    expect(verifyPublicPackage(ctx, a.public, 3)).toBe(true);
    expect(verifyPublicPackage({ dkgId: 8 }, a.public, 3)).toBe(false); // replayed from another DKG
    expect(verifyPublicPackage(ctx, { ...a.public, partyId: 2 }, 3)).toBe(false); // another party
    expect(verifyPublicPackage(ctx, a.public, 4)).toBe(false); // wrong degree
    const r = a.public.proof.r;
    expect(verifyPublicPackage(ctx, { ...a.public, proof: { r, s: '00'.repeat(32) } }, 3)).toBe(
      false,
    );
    expect(
      verifyPublicPackage(
        ctx,
        { ...a.public, proof: { r: `02${'00'.repeat(32)}`, s: a.public.proof.s } },
        3,
      ),
    ).toBe(false);
  });

  it('encrypted shares open only for their key id, DKG and sender', () => {
    const fromA = dkgEncryptShares(ctx, 1, a.secret, recipients);
    expect(Object.keys(fromA).sort()).toEqual(['1', '2', '3']);
    expect(dkgOpenShare(ctx, b.secret, a.public, 2, fromA['2']!)).not.toBeNull();
    expect(dkgOpenShare(ctx, b.secret, a.public, 3, fromA['2']!)).toBeNull(); // other key id
    expect(dkgOpenShare({ dkgId: 8 }, b.secret, a.public, 2, fromA['2']!)).toBeNull(); // other DKG
    expect(dkgOpenShare(ctx, a.secret, a.public, 2, fromA['2']!)).toBeNull(); // not the recipient
  });

  it('complaints: a true one blames the sender, a false one the complainer', () => {
    const fromA = dkgEncryptShares(ctx, 1, a.secret, recipients);
    // Corrupt the share for key id 2 (re-encrypting a wrong value is what a liar would do:
    // here flip a ciphertext byte so it does not open).
    const bad = `${(Number.parseInt(fromA['2']!.slice(0, 2), 16) ^ 1).toString(16).padStart(2, '0')}${fromA['2']!.slice(2)}`;
    expect(dkgOpenShare(ctx, b.secret, a.public, 2, bad)).toBeNull();
    const c = dkgComplain(b.secret, a.public, 2, rng);
    expect(dkgJudgeComplaint(ctx, b.public, a.public, c, bad)).toBe('accused');
    expect(dkgJudgeComplaint(ctx, b.public, a.public, c, fromA['2']!)).toBe('complainer');
    // A forged DLEQ proof (other key exchange secret) blames the complainer.
    const forged = dkgComplain(a.secret, a.public, 2, rng);
    expect(dkgJudgeComplaint(ctx, b.public, a.public, forged, bad)).toBe('complainer');
  });
});

import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { federationParties, type RegistryCandidate } from './parties.ts';

/** The registered (compressed) key of test Stacks secret i. */
const compressedKey = (i: number): string =>
  bytesToHex(secp256k1.getPublicKey(stacksSecret(i), true));

/** Deterministic test secret i (never use outside tests). */
export function stacksSecret(i: number): Uint8Array {
  const sk = new Uint8Array(32);
  sk[0] = 0x11;
  sk[31] = i;
  return sk;
}

const c = (signer: string, weight: bigint, publicKey?: string): RegistryCandidate => ({
  signer,
  weight,
  publicKey,
});

describe('federationParties', () => {
  it('keeps weight > 0 with a registered key, in registry order, key ids contiguous by weight', () => {
    const k = [1, 2, 3, 4, 5, 6].map(compressedKey);
    const parties = federationParties([
      c('A', 1n, k[0]),
      c('B', 0n, k[1]), // removed (weight 0)
      c('C', 2n), // admitted, no key registered yet
      c('D', 1n, k[3]),
      c('E', 2n, k[4]),
      c('F', 3n, k[5]?.toUpperCase()),
    ]);
    expect(parties).toEqual([
      { id: 1, signer: 'A', keyIds: [1], registeredKey: k[0] },
      { id: 2, signer: 'D', keyIds: [2], registeredKey: k[3] },
      { id: 3, signer: 'E', keyIds: [3, 4], registeredKey: k[4] },
      { id: 4, signer: 'F', keyIds: [5, 6, 7], registeredKey: k[5] },
    ]);
  });

  it('the issue federation: weights 1,1,2,3,3 own key ids 1 | 2 | 3-4 | 5-7 | 8-10', () => {
    const weights = [1n, 1n, 2n, 3n, 3n];
    const parties = federationParties(weights.map((w, i) => c(`S${i}`, w, compressedKey(i + 1))));
    expect(parties.map((p) => p.keyIds)).toEqual([[1], [2], [3, 4], [5, 6, 7], [8, 9, 10]]);
    expect(parties.map((p) => p.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('is empty for no usable candidate', () => {
    expect(federationParties([])).toEqual([]);
    expect(federationParties([c('A', 0n, compressedKey(1)), c('B', 1n)])).toEqual([]);
  });

  it('refuses a registered key that is not a compressed curve point, naming the candidate', () => {
    expect(() => federationParties([c('A', 1n, `04${'11'.repeat(32)}`)])).toThrow(/\(A\)/);
    expect(() => federationParties([c('A', 1n, 'zz')])).toThrow(/curve point/);
    expect(() => federationParties([c('A', 1n, `02${'ff'.repeat(32)}`)])).toThrow(/curve point/);
  });

  it('refuses a total weight over the key-id ceiling', () => {
    expect(() => federationParties([c('A', 70_000n, compressedKey(1))])).toThrow(/key ids/);
  });
});

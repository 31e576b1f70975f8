// @peg/wire computes the BIP341 key-path output key itself (`taprootOutputKey`, to check the
// `public-address-available` announcement) because wire must not import @peg/frost, which owns the
// one TapTweak. This test pins the two equal (the protocol imports both).
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { taprootOutputKey } from '@peg/wire';
import { describe, expect, it } from 'vitest';
import { outputKey } from '../src/output-key.ts';
import { seededBytes } from '../src/sim/random.ts';

describe("wire's taprootOutputKey equals frost's TapTweak (through the protocol's outputKey)", () => {
  it('BIP341 wallet vector: key-path only', () => {
    // bip341-wallet-test-vectors.json, scriptPubKey[0] (no script tree).
    const internal = 'd6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d';
    const expected = '53a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343';
    expect(bytesToHex(taprootOutputKey(hexToBytes(internal))!)).toBe(expected);
    expect(outputKey(`02${internal}`, { type: 'taproot', merkleRoot: null })).toBe(expected);
  });

  it('agree on 64 seeded keys of either y parity', () => {
    const rng = seededBytes(7, 'output-key-pin');
    for (let i = 0; i < 64; i++) {
      const key = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(rng(48)), true);
      const viaFrost = outputKey(bytesToHex(key), { type: 'taproot', merkleRoot: null });
      expect(bytesToHex(taprootOutputKey(key)!)).toBe(viaFrost);
    }
  });
});

import { schnorr } from '@noble/curves/secp256k1.js';
import { bech32m } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { decodeXOnly, encodeXOnly } from '../src/math/point.ts';
import { encodeScalar } from '../src/math/scalar.ts';
import { taproot } from '../src/suites.ts';
import { tapTweak, tweakPoint } from '../src/taproot.ts';
import { bytesToHex, fixtureJson, hexToBytes, seededRng } from './helpers.ts';

type Wallet = {
  scriptPubKey: {
    given: { internalPubkey: string };
    intermediary: { merkleRoot: string | null; tweak: string; tweakedPubkey: string };
    expected: { scriptPubKey: string; bip350Address: string };
  }[];
  keyPathSpending: {
    inputSpending: {
      given: { internalPrivkey: string; merkleRoot: string | null };
      intermediary: {
        internalPubkey: string;
        tweak: string;
        tweakedPrivkey: string;
        sigHash: string;
      };
    }[];
  }[];
};
const w = fixtureJson<Wallet>('bip341-wallet-test-vectors.json');
const root = (r: string | null) => (r === null ? new Uint8Array(0) : hexToBytes(r));

describe('BIP341 wallet vectors: tweaks and addresses', () => {
  w.scriptPubKey.forEach((c, i) => {
    it(`scriptPubKey[${i}] (merkleRoot ${c.intermediary.merkleRoot === null ? 'none' : 'set'})`, () => {
      const P = decodeXOnly(hexToBytes(c.given.internalPubkey), 'internalPubkey');
      const t = tapTweak(P, root(c.intermediary.merkleRoot));
      expect(bytesToHex(encodeScalar(t))).toBe(c.intermediary.tweak);
      const Q = encodeXOnly(tweakPoint(P, root(c.intermediary.merkleRoot)));
      expect(bytesToHex(Q)).toBe(c.intermediary.tweakedPubkey);
      expect(`5120${bytesToHex(Q)}`).toBe(c.expected.scriptPubKey);
      expect(bech32m.encode('bc', [1, ...bech32m.toWords(Q)])).toBe(c.expected.bip350Address);
    });
  });
  const spends = w.keyPathSpending.flatMap((k) => k.inputSpending);
  spends.forEach((s, i) => {
    it(`keyPathSpending[${i}]: FROST keys tweaked with the merkle root sign the sighash`, () => {
      const rng = seededRng(`bip341-${i}`);
      const deal = taproot.trustedDealer(
        { min: 2, max: 3 },
        undefined,
        hexToBytes(s.given.internalPrivkey),
        rng,
      );
      expect(bytesToHex(deal.public.commitments[0]!.subarray(1))).toBe(
        s.intermediary.internalPubkey,
      );
      const mr = root(s.given.merkleRoot);
      // Whole-package tweak: the recombined tweaked secret is BIP341's tweaked private key
      // (up to the sign that makes the output key even, as BIP340 signing does).
      const pub = taproot.tweakPublic(deal.public, mr);
      const shares = Object.values(deal.secretShares).map((sh) =>
        taproot.tweakSecret(sh, deal.public, mr),
      );
      const combined = taproot.combineSecret(shares.slice(0, 2), pub.signers);
      expect(bytesToHex(schnorr.getPublicKey(combined))).toBe(
        bytesToHex(schnorr.getPublicKey(hexToBytes(s.intermediary.tweakedPrivkey))),
      );
      // Signing with { merkleRoot } on the untweaked package gives a signature for the output key.
      const msg = hexToBytes(s.intermediary.sigHash);
      const ids = Object.keys(deal.secretShares).slice(0, 2);
      const gens = ids.map((id) => taproot.commit(deal.secretShares[id]!, rng));
      const list = gens.map((g) => g.commitments);
      const sigShares = Object.fromEntries(
        ids.map((id, j) => [
          id,
          taproot.signShare(deal.secretShares[id]!, deal.public, gens[j]!.nonces, list, msg, {
            merkleRoot: mr,
          }),
        ]),
      );
      const sig = taproot.aggregate(deal.public, list, msg, sigShares, { merkleRoot: mr });
      const outputKey = schnorr.getPublicKey(hexToBytes(s.intermediary.tweakedPrivkey));
      expect(schnorr.verify(sig, msg, outputKey)).toBe(true);
      expect(taproot.verify(sig, msg, pub.commitments[0]!)).toBe(true);
    });
  });
});

import { schnorr } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { taproot } from '../src/suites.ts';
import { fixture, hexToBytes, seededRng } from './helpers.ts';

type Row = {
  index: number;
  secretKey: string;
  publicKey: string;
  message: string;
  signature: string;
  valid: boolean;
  comment: string;
};
const rows: Row[] = fixture('bip340-test-vectors.csv')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [index, secretKey, publicKey, , message, signature, result, comment] = line.split(',');
    return {
      index: Number(index),
      secretKey: secretKey!.toLowerCase(),
      publicKey: publicKey!.toLowerCase(),
      message: message!.toLowerCase(),
      signature: signature!.toLowerCase(),
      valid: result === 'TRUE',
      comment: comment ?? '',
    };
  });

describe('BIP340 test vectors through the taproot suite', () => {
  it('has every row (19)', () => expect(rows.length).toBe(19));
  for (const r of rows) {
    it(`row ${r.index}: verify → ${r.valid} ${r.comment}`, () => {
      const result = taproot.verify(
        hexToBytes(r.signature),
        hexToBytes(r.message),
        hexToBytes(r.publicKey),
      );
      expect(result).toBe(r.valid);
      expect(
        schnorr.verify(hexToBytes(r.signature), hexToBytes(r.message), hexToBytes(r.publicKey)),
      ).toBe(r.valid);
    });
    if (r.secretKey) {
      it(`row ${r.index}: a 2-of-3 FROST signature under this key verifies with BIP340`, () => {
        const rng = seededRng(`bip340-${r.index}`);
        const deal = taproot.trustedDealer(
          { min: 2, max: 3 },
          undefined,
          hexToBytes(r.secretKey),
          rng,
        );
        const ids = Object.keys(deal.secretShares).slice(1);
        const msg = hexToBytes(r.message);
        const gens = ids.map((id) => taproot.commit(deal.secretShares[id]!, rng));
        const list = gens.map((g) => g.commitments);
        const shares = Object.fromEntries(
          ids.map((id, i) => [
            id,
            taproot.signShare(deal.secretShares[id]!, deal.public, gens[i]!.nonces, list, msg),
          ]),
        );
        const sig = taproot.aggregate(deal.public, list, msg, shares);
        const xOnly = hexToBytes(r.publicKey);
        expect(deal.public.commitments[0]!.subarray(1)).toEqual(xOnly);
        expect(schnorr.verify(sig, msg, xOnly)).toBe(true);
        expect(taproot.verify(sig, msg, xOnly)).toBe(true);
      });
    }
  }
});

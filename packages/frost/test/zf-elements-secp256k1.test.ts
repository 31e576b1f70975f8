import { describe, expect, it } from 'vitest';
import { InvalidEncodingError } from '../src/errors.ts';
import { decodePoint } from '../src/math/point.ts';
import { secp256k1, taproot } from '../src/suites.ts';
import { fixtureJson, hexToBytes } from './helpers.ts';

const { elements } = fixtureJson<{ elements: { invalid_element: string } }>(
  'zf-elements-secp256k1.json',
);
const bad = hexToBytes(elements.invalid_element);

describe('ZF elements.json: the invalid element is rejected everywhere', () => {
  it('by DeserializeElement', () => {
    expect(() => decodePoint(bad, 'element')).toThrow(InvalidEncodingError);
  });
  for (const frost of [secp256k1, taproot]) {
    it(`${frost.suite.contextString}: as a nonce commitment, a verifying key and a VSS commitment`, () => {
      const deal = frost.trustedDealer({ min: 2, max: 3 });
      const ids = Object.keys(deal.secretShares);
      const gens = ids.slice(0, 2).map((id) => frost.commit(deal.secretShares[id]!));
      const list = gens.map((g) => g.commitments);
      const msg = new Uint8Array([1, 2, 3]);
      const tampered = [{ ...list[0]!, binding: bad }, list[1]!];
      expect(() =>
        frost.signShare(deal.secretShares[ids[1]!]!, deal.public, gens[1]!.nonces, tampered, msg),
      ).toThrow(/commitmentList\[0\]\.binding/);
      expect(() =>
        frost.aggregate(
          { ...deal.public, commitments: [bad, deal.public.commitments[1]!] },
          list,
          msg,
          {},
        ),
      ).toThrow(InvalidEncodingError);
      expect(() =>
        frost.validateSecret(deal.secretShares[ids[0]!]!, {
          ...deal.public,
          commitments: [deal.public.commitments[0]!, bad],
        }),
      ).toThrow(InvalidEncodingError);
      expect(frost.verify(new Uint8Array(frost.suite.signatureLength), msg, bad)).toBe(false);
    });
  }
});

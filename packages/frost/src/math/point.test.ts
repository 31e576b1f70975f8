import { describe, expect, it } from 'vitest';
import { InvalidEncodingError } from '../errors.ts';
import {
  decodePoint,
  decodeXOnly,
  encodePoint,
  encodeXOnly,
  G,
  hasEvenY,
  P,
  toEvenY,
  ZERO,
} from './point.ts';

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from({ length: hex.length / 2 }, (_, i) =>
    Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16),
  );
}

describe('strict point encoding', () => {
  it('round-trips compressed and x-only', () => {
    const Q = G.multiply(7n);
    expect(decodePoint(encodePoint(Q), 'q').equals(Q)).toBe(true);
    expect(decodeXOnly(encodeXOnly(Q), 'q').equals(toEvenY(Q))).toBe(true);
    expect(hasEvenY(toEvenY(Q))).toBe(true);
  });
  it('never encodes the identity', () => {
    expect(() => encodePoint(ZERO)).toThrow(InvalidEncodingError);
  });
  it('rejects identity, off-curve, non-canonical and wrongly sized encodings', () => {
    expect(() => decodePoint(new Uint8Array([0]), 'q')).toThrow(/33-byte/);
    expect(() => decodePoint(new Uint8Array(33), 'q')).toThrow(/prefix/);
    const uncompressed = G.toBytes(false);
    expect(() => decodePoint(uncompressed, 'q')).toThrow(/33-byte/);
    const bad = encodePoint(G);
    bad[0] = 4;
    expect(() => decodePoint(bad, 'q')).toThrow(/prefix/);
    // x = 5: 5³ + 7 = 132 is not a square mod p, so no curve point has x = 5.
    const offCurve = hexBytes(`02${'5'.padStart(64, '0')}`);
    expect(() => decodePoint(offCurve, 'q')).toThrow(/not a valid curve point/);
    // x ≥ p is a non-canonical encoding even when x − p is a valid x-coordinate.
    let x = 1n;
    while (!isX(x)) x++;
    expect(decodePoint(hexBytes(`02${x.toString(16).padStart(64, '0')}`), 'q').is0()).toBe(false);
    const nonCanonical = hexBytes(`02${(x + P).toString(16).padStart(64, '0')}`);
    expect(() => decodePoint(nonCanonical, 'q')).toThrow(InvalidEncodingError);
    expect(() => decodeXOnly(nonCanonical.subarray(1), 'q')).toThrow(InvalidEncodingError);
    expect(() => decodePoint(hexBytes(`02${P.toString(16)}`), 'q')).toThrow(InvalidEncodingError);
    expect(() => decodeXOnly(hexBytes(P.toString(16)), 'q')).toThrow(InvalidEncodingError);
    expect(() => decodeXOnly(new Uint8Array(33), 'q')).toThrow(/32-byte/);
    expect(() => decodePoint('02', 'q')).toThrow(TypeError);
  });
});

function isX(x: bigint): boolean {
  const rhs = (x ** 3n + 7n) % P;
  return modPow(rhs, (P - 1n) / 2n) === 1n;
}
function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  let base = b % P;
  while (e > 0n) {
    if (e & 1n) r = (r * base) % P;
    base = (base * base) % P;
    e >>= 1n;
  }
  return r;
}

describe('fast decompression agrees with noble', () => {
  it('on many points of both parities and on lift_x', async () => {
    const { schnorr } = await import('@noble/curves/secp256k1.js');
    for (let i = 1n; i < 300n; i++) {
      const q = G.multiply(i * 0x9e3779b97f4a7c15n);
      const enc = q.toBytes(true);
      const ours = decodePoint(enc, 'q');
      expect(ours.equals(q)).toBe(true);
      expect(ours.toBytes(true)).toEqual(enc);
      expect(
        decodeXOnly(enc.subarray(1), 'q').equals(schnorr.utils.lift_x(ours.toAffine().x)),
      ).toBe(true);
    }
  });
});

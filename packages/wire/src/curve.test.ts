import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isCompressedPointHex,
  isCurveX,
  isFormattedPointOnCurve,
  isUncompressedPointHex,
  N_HEX,
  P_HEX,
} from './curve.ts';

// Our fast point check must agree with @noble/curves' decompression on every input.
function nobleAccepts(hex: string): boolean {
  try {
    secp256k1.Point.fromHex(hex).assertValidity();
    return hex.length === 66 && (hex.startsWith('02') || hex.startsWith('03'));
  } catch {
    return false;
  }
}

const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(bytesToHex);

describe('isCompressedPointHex agrees with @noble/curves', () => {
  it('on random x coordinates (about half are on the curve)', () => {
    fc.assert(
      fc.property(hex64, fc.constantFrom('02', '03'), (x, prefix) => {
        expect(isCompressedPointHex(prefix + x)).toBe(nobleAccepts(prefix + x));
        expect(isFormattedPointOnCurve(prefix + x)).toBe(nobleAccepts(prefix + x));
      }),
      { seed: 4242, numRuns: 2000 },
    );
  });

  it('on real points', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: secp256k1.Point.CURVE().n - 1n }), (k) => {
        const hex = secp256k1.Point.BASE.multiply(k).toHex(true);
        expect(isCompressedPointHex(hex)).toBe(true);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  const G = secp256k1.Point.BASE.toHex(true);
  const p = BigInt(`0x${P_HEX}`);
  const table: [string, string][] = [
    ['generator', G],
    ['identity encoding 00', `00${'0'.repeat(64)}`],
    ['all zero 33 bytes', '0'.repeat(66)],
    ['uncompressed prefix 04', `04${G.slice(2)}`],
    ['hybrid prefix 06', `06${G.slice(2)}`],
    ['hybrid prefix 07', `07${G.slice(2)}`],
    ['prefix ff', `ff${G.slice(2)}`],
    ['x = p', `02${P_HEX}`],
    ['x = p + 1', `02${(p + 1n).toString(16)}`],
    ['x = 2^256 - 1', `02${'f'.repeat(64)}`],
    ['x = 0', `02${'0'.repeat(64)}`],
    ['32 bytes', G.slice(0, 64)],
    ['34 bytes', `${G}00`],
    ['65-byte uncompressed', secp256k1.Point.BASE.toHex(false)],
  ];
  for (const [name, hex] of table) {
    it(`table: ${name}`, () => {
      expect(isCompressedPointHex(hex)).toBe(nobleAccepts(hex));
    });
  }

  it('accepts the generator and rejects x >= p', () => {
    expect(isCompressedPointHex(G)).toBe(true);
    expect(isCurveX(P_HEX)).toBe(false);
    expect(N_HEX).toBe('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141');
  });
});

function nobleAcceptsUncompressed(hex: string): boolean {
  try {
    secp256k1.Point.fromHex(hex).assertValidity();
    return hex.length === 130 && hex.startsWith('04');
  } catch {
    return false;
  }
}

describe('isUncompressedPointHex agrees with @noble/curves', () => {
  it('on real points, and on the same points with y changed', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: secp256k1.Point.CURVE().n - 1n }),
        fc.integer({ min: 1, max: 5 }),
        (k, delta) => {
          const hex = secp256k1.Point.BASE.multiply(k).toHex(false);
          expect(isUncompressedPointHex(hex)).toBe(true);
          const y = (BigInt(`0x${hex.slice(66)}`) + BigInt(delta)) % BigInt(`0x${P_HEX}`);
          const moved = hex.slice(0, 66) + y.toString(16).padStart(64, '0');
          expect(isUncompressedPointHex(moved)).toBe(nobleAcceptsUncompressed(moved));
          expect(isFormattedPointOnCurve(moved)).toBe(nobleAcceptsUncompressed(moved));
        },
      ),
      { seed: 11, numRuns: 300 },
    );
  });
  it('on random x and y', () => {
    fc.assert(
      fc.property(hex64, hex64, (x, y) => {
        expect(isUncompressedPointHex(`04${x}${y}`)).toBe(nobleAcceptsUncompressed(`04${x}${y}`));
        expect(isFormattedPointOnCurve(`04${x}${y}`)).toBe(nobleAcceptsUncompressed(`04${x}${y}`));
      }),
      { seed: 12, numRuns: 500 },
    );
  });
  it('rejects other prefixes, lengths and x, y >= p', () => {
    const GU = secp256k1.Point.BASE.toHex(false);
    expect(isUncompressedPointHex(GU)).toBe(true);
    expect(isUncompressedPointHex(`06${GU.slice(2)}`)).toBe(false);
    expect(isUncompressedPointHex(GU.slice(0, 128))).toBe(false);
    expect(isUncompressedPointHex(`04${P_HEX}${GU.slice(66)}`)).toBe(false);
    expect(isUncompressedPointHex(`04${GU.slice(2, 66)}${P_HEX}`)).toBe(false);
    expect(isUncompressedPointHex(`04${'0'.repeat(128)}`)).toBe(false);
    expect(isUncompressedPointHex(GU.toUpperCase())).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidEncodingError } from '../errors.ts';
import {
  add,
  decodeScalar,
  encodeScalar,
  inv,
  invertBatch,
  mod,
  mul,
  N,
  neg,
  scalarFromRandom,
  sub,
} from './scalar.ts';

describe('scalar field', () => {
  it('reduces and wraps', () => {
    expect(mod(-1n)).toBe(N - 1n);
    expect(add(N - 1n, 2n)).toBe(1n);
    expect(sub(1n, 2n)).toBe(N - 1n);
    expect(neg(0n)).toBe(0n);
    expect(mul(N - 1n, N - 1n)).toBe(1n);
  });
  it('inverts, also in batch', () => {
    const xs = [1n, 2n, 3n, N - 5n, 0x1234567890abcdefn];
    const inverses = invertBatch(xs);
    xs.forEach((x, i) => {
      expect(mul(x, inverses[i]!)).toBe(1n);
      expect(inv(x)).toBe(inverses[i]);
    });
    expect(() => invertBatch([1n, 0n])).toThrow(RangeError);
    expect(() => inv(0n)).toThrow(RangeError);
  });
  it('encodes 32-byte big-endian and decodes strictly', () => {
    const s = 0x0102n;
    const e = encodeScalar(s);
    expect(e.length).toBe(32);
    expect(e[31]).toBe(2);
    expect(e[30]).toBe(1);
    expect(decodeScalar(e, 's')).toBe(s);
    expect(() => encodeScalar(N)).toThrow(RangeError);
    expect(() => decodeScalar(encodeScalarUnchecked(N), 's')).toThrow(InvalidEncodingError);
    expect(() => decodeScalar(new Uint8Array(32).fill(0xff), 's')).toThrow(/group order/);
    expect(() => decodeScalar(new Uint8Array(31), 's')).toThrow(/32 bytes/);
    expect(() => decodeScalar(new Uint8Array(32), 's', true)).toThrow(/zero/);
    expect(() => decodeScalar('00', 's')).toThrow(TypeError);
  });
  it('maps 48 random bytes to a non-zero scalar like noble', () => {
    expect(scalarFromRandom(new Uint8Array(48))).toBe(1n);
    expect(() => scalarFromRandom(new Uint8Array(32))).toThrow(RangeError);
  });
});

function encodeScalarUnchecked(s: bigint): Uint8Array {
  const hex = s.toString(16).padStart(64, '0');
  return Uint8Array.from({ length: 32 }, (_, i) =>
    Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16),
  );
}

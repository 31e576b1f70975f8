/**
 * Arithmetic in the scalar field of secp256k1 (integers mod the group order n).
 * Plain bigint; the hot loops call these directly so they stay small and monomorphic.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { InvalidEncodingError } from '../errors.ts';

/** Group order n of secp256k1. */
export const N: bigint = secp256k1.Point.Fn.ORDER;
const Fn = secp256k1.Point.Fn;

/** a mod n, for any bigint (also negative). */
export function mod(a: bigint): bigint {
  const r = a % N;
  return r < 0n ? r + N : r;
}
/** (a + b) mod n for a, b in [0, n). */
export function add(a: bigint, b: bigint): bigint {
  const r = a + b;
  return r >= N ? r - N : r;
}
/** (a − b) mod n for a, b in [0, n). */
export function sub(a: bigint, b: bigint): bigint {
  const r = a - b;
  return r < 0n ? r + N : r;
}
/** (a · b) mod n for a, b in [0, n). */
export function mul(a: bigint, b: bigint): bigint {
  return (a * b) % N;
}
/** −a mod n. */
export function neg(a: bigint): bigint {
  return a === 0n ? 0n : N - a;
}
/** a⁻¹ mod n; throws on 0. */
export function inv(a: bigint): bigint {
  if (a === 0n) throw new RangeError('cannot invert zero scalar');
  return Fn.inv(a);
}

/**
 * Montgomery batch inversion: inverts every element with one field inversion and 3(k−1)
 * multiplications. Throws on a zero element (callers pass differences of distinct ids).
 */
export function invertBatch(values: readonly bigint[]): bigint[] {
  const k = values.length;
  const prefix = new Array<bigint>(k);
  let acc = 1n;
  for (let i = 0; i < k; i++) {
    const v = values[i]!;
    if (v === 0n) throw new RangeError('cannot invert zero scalar');
    prefix[i] = acc;
    acc = (acc * v) % N;
  }
  let invAcc = inv(acc);
  const out = new Array<bigint>(k);
  for (let i = k - 1; i >= 0; i--) {
    out[i] = (invAcc * prefix[i]!) % N;
    invAcc = (invAcc * values[i]!) % N;
  }
  return out;
}

/** Big-endian bytes to bigint (no range check). */
export function bytesToNumber(bytes: Uint8Array): bigint {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]!];
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** RFC 9591 SerializeScalar: 32-byte big-endian. `s` must be in [0, n). */
export function encodeScalar(s: bigint): Uint8Array {
  if (s < 0n || s >= N) throw new RangeError('scalar out of range');
  const hex = s.toString(16).padStart(64, '0');
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * RFC 9591 DeserializeScalar: exactly 32 bytes, big-endian, value < n (non-canonical encodings
 * are rejected, never reduced). With `nonZero`, 0 is rejected too.
 */
export function decodeScalar(bytes: unknown, field: string, nonZero = false): bigint {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`"${field}" expected Uint8Array`);
  if (bytes.length !== 32)
    throw new InvalidEncodingError(field, `expected 32 bytes, got ${bytes.length}`);
  const s = bytesToNumber(bytes);
  if (s >= N) throw new InvalidEncodingError(field, 'scalar is not below the group order');
  if (nonZero && s === 0n) throw new InvalidEncodingError(field, 'scalar is zero');
  return s;
}

/** Uniform-ish non-zero scalar from 48 random bytes, exactly as noble's FROST (`mapHashToField`). */
export function scalarFromRandom(bytes48: Uint8Array): bigint {
  if (bytes48.length !== 48) throw new RangeError('"rng" must return the requested 48 bytes');
  return (bytesToNumber(bytes48) % (N - 1n)) + 1n;
}

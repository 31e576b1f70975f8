import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
/**
 * Byte encodings of the weighted layer (docs/protocol/crypto.md): points 33-byte compressed
 * (65-byte uncompressed only for DKG commitment vectors), scalars 32-byte big-endian and < n,
 * ids uint32 big-endian and >= 1. Decoders are strict: they reject, never reduce or repair.
 */
import { decodePoint, G, hasEvenY, Point } from '../math/point.ts';
import { N } from '../math/scalar.ts';
import { WeightedError } from './errors.ts';

// The primitives layer's point type and constants, re-exported for the weighted modules.
export { G, hasEvenY, N, Point };

export function isId(id: unknown): id is number {
  return typeof id === 'number' && Number.isInteger(id) && id >= 1 && id <= 0xffffffff;
}

export function u32(id: number): Uint8Array {
  // DataView would wrap silently: -1 would encode as 4294967295, 2^32 + 1 as 1.
  if (!Number.isInteger(id) || id < 0 || id > 0xffffffff)
    throw new WeightedError('INVALID_INPUT', `${String(id)} is not a u32`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, id, false);
  return out;
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(offset, false);
}

export function scalarToBytes(s: bigint): Uint8Array {
  // Checked here: noble's own range error prints the value, and it may be a secret.
  if (typeof s !== 'bigint' || s < 0n || s >= N)
    throw new WeightedError('MALFORMED_SCALAR', 'scalar is not in [0, n)');
  return numberToBytesBE(s, 32);
}

/** Strict: exactly 32 bytes, value < n. Zero is allowed only when `allowZero`. */
export function scalarFromBytes(bytes: Uint8Array, what: string, allowZero = false): bigint {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 32) {
    throw new WeightedError('MALFORMED_SCALAR', `${what}: expected 32 bytes`);
  }
  const s = bytesToNumberBE(bytes);
  if (s >= N) throw new WeightedError('MALFORMED_SCALAR', `${what}: not below the group order`);
  if (s === 0n && !allowZero) throw new WeightedError('MALFORMED_SCALAR', `${what}: zero`);
  return s;
}

export function pointToBytes(p: Point): Uint8Array {
  if (p.is0()) throw new WeightedError('MALFORMED_ELEMENT', 'cannot encode the identity');
  return p.toBytes(true);
}

/** Strict compressed decoding: 33 bytes, 02/03 prefix, x < p, on the curve, never the identity. */
export function pointFromBytes(bytes: Uint8Array, what: string): Point {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 33 || (bytes[0] !== 2 && bytes[0] !== 3)) {
    throw new WeightedError('MALFORMED_ELEMENT', `${what}: expected a 33-byte compressed point`);
  }
  try {
    // The primitives layer's strict decoder (x < p, x³ + 7 a square; addition-chain square root).
    return decodePoint(bytes, what);
  } catch {
    throw new WeightedError('MALFORMED_ELEMENT', `${what}: not a point on secp256k1`);
  }
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A source of cryptographically secure random bytes (e.g. `randomBytes` of @noble/hashes). */
export type RandomBytes = (length: number) => Uint8Array;

/** Uniform non-zero scalar from 48 random bytes (wide reduction, bias < 2^-128). */
export function randomScalar(random: RandomBytes): bigint {
  for (;;) {
    const b = random(48);
    if (!(b instanceof Uint8Array) || b.length !== 48) {
      throw new WeightedError('INVALID_INPUT', 'random source returned the wrong length');
    }
    const s = bytesToNumberBE(b) % N;
    if (s !== 0n) return s;
  }
}

/** 128-bit random weight for batch verification (soundness error 2^-128 per check). */
export function randomWeight(random: RandomBytes): bigint {
  const b = random(16);
  if (!(b instanceof Uint8Array) || b.length !== 16) {
    throw new WeightedError('INVALID_INPUT', 'random source returned the wrong length');
  }
  return bytesToNumberBE(b) | 1n;
}

/** Converts to affine with one shared field inversion (Montgomery's trick inside noble). */
export function normalizePoints(points: readonly Point[]): Point[] {
  return normalizeZ(Point, [...points]);
}

/**
 * Points of secp256k1 with strict encodings (RFC 9591 §3.1 / §6.5): SerializeElement is SEC1
 * compressed and rejects the identity; DeserializeElement accepts only 33-byte compressed
 * encodings of on-curve, non-identity points with canonical x < p.
 * @module
 */
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { InvalidEncodingError } from '../errors.ts';
import { bytesToNumber } from './scalar.ts';

/** A secp256k1 point (noble projective representation). */
export type Point = WeierstrassPoint<bigint>;
/** The noble point class. */
export const Point: typeof secp256k1.Point = secp256k1.Point;
/** Generator G. */
export const G: Point = Point.BASE;
/** Identity element. */
export const ZERO: Point = Point.ZERO;
/** Field prime p. */
export const P: bigint = Point.Fp.ORDER;

/** SerializeElement: 33-byte compressed; throws on the identity. */
export function encodePoint(p: Point): Uint8Array {
  if (p.is0()) throw new InvalidEncodingError('point', 'is the identity');
  return p.toBytes(true);
}

/** 32-byte x-only encoding (BIP340), of any non-identity point. */
export function encodeXOnly(p: Point): Uint8Array {
  return encodePoint(p).subarray(1);
}

/**
 * DeserializeElement: 33 bytes, prefix 02/03, x < p, on the curve, not the identity.
 * Every failure is an `InvalidEncodingError` naming `field`.
 */
export function decodePoint(bytes: unknown, field: string): Point {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`"${field}" expected Uint8Array`);
  if (bytes.length !== 33)
    throw new InvalidEncodingError(field, `expected 33-byte compressed point, got ${bytes.length}`);
  const prefix = bytes[0];
  if (prefix !== 2 && prefix !== 3)
    throw new InvalidEncodingError(field, 'expected compressed point prefix 02 or 03');
  let p: Point;
  try {
    p = Point.fromBytes(bytes); // checks x < p and that x³+7 is a square (on the curve)
  } catch {
    throw new InvalidEncodingError(field, 'is not a valid curve point');
  }
  if (p.is0()) throw new InvalidEncodingError(field, 'is the identity');
  return p;
}

/** BIP340 lift_x: the even-y point with x-coordinate `bytes` (32 bytes, x < p, on curve). */
export function decodeXOnly(bytes: unknown, field: string): Point {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`"${field}" expected Uint8Array`);
  if (bytes.length !== 32)
    throw new InvalidEncodingError(field, `expected 32-byte x-only point, got ${bytes.length}`);
  try {
    return schnorr.utils.lift_x(bytesToNumber(bytes));
  } catch {
    throw new InvalidEncodingError(field, 'is not the x-coordinate of a curve point');
  }
}

/** True when the affine y-coordinate is even (BIP340 "has_even_y"). */
export function hasEvenY(p: Point): boolean {
  return p.toAffine().y % 2n === 0n;
}

/** p if its y is even, −p otherwise. */
export function toEvenY(p: Point): Point {
  return hasEvenY(p) ? p : p.negate();
}

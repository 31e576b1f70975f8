/**
 * Points of secp256k1 with strict encodings (RFC 9591 §3.1 / §6.5): SerializeElement is SEC1
 * compressed and rejects the identity; DeserializeElement accepts only 33-byte compressed
 * encodings of on-curve, non-identity points with canonical x < p.
 * @module
 */
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { InvalidEncodingError } from '../errors.ts';
import { P, red } from './field.ts';
import { bytesToNumber, N } from './scalar.ts';

/** A secp256k1 point (noble projective representation). */
export type Point = WeierstrassPoint<bigint>;
/** The noble point class. */
export const Point: typeof secp256k1.Point = secp256k1.Point;
/** Generator G. */
export const G: Point = Point.BASE;
/** Identity element. */
export const ZERO: Point = Point.ZERO;
/** Field prime p. */
export { P };

/** SerializeElement: 33-byte compressed; throws on the identity. */
export function encodePoint(p: Point): Uint8Array {
  if (p.is0()) throw new InvalidEncodingError('point', 'is the identity');
  return p.toBytes(true);
}

/** 32-byte x-only encoding (BIP340), of any non-identity point. */
export function encodeXOnly(p: Point): Uint8Array {
  return encodePoint(p).subarray(1);
}

// Decompression is the hot path of every parse (a DKG at 67-of-100 decodes ~6,600 points): the
// square root uses libsecp256k1's addition chain for (p+1)/4 (253 squarings, 13
// multiplications) with the folded reduction of field.ts.
function sqn(x: bigint, n: number): bigint {
  for (let i = 0; i < n; i++) x = red(x * x);
  return x;
}
/** a^((p+1)/4): a square root of a if one exists. */
function sqrtCandidate(a: bigint): bigint {
  const x2 = red(sqn(a, 1) * a);
  const x3 = red(sqn(x2, 1) * a);
  const x6 = red(sqn(x3, 3) * x3);
  const x9 = red(sqn(x6, 3) * x3);
  const x11 = red(sqn(x9, 2) * x2);
  const x22 = red(sqn(x11, 11) * x11);
  const x44 = red(sqn(x22, 22) * x22);
  const x88 = red(sqn(x44, 44) * x44);
  const x176 = red(sqn(x88, 88) * x88);
  const x220 = red(sqn(x176, 44) * x44);
  const x223 = red(sqn(x220, 3) * x3);
  let t = red(sqn(x223, 23) * x22);
  t = red(sqn(t, 6) * x2);
  return sqn(t, 2);
}
/** The point (x, y) with y of the given parity, or undefined if x³ + 7 is not a square. */
function liftX(x: bigint, odd: boolean): Point | undefined {
  const rhs = red(red(x * x) * x + 7n);
  let y = sqrtCandidate(rhs);
  if (red(y * y) !== rhs) return undefined;
  if (((y & 1n) === 1n) !== odd) y = P - y;
  return new Point(x, y, 1n);
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
  const x = bytesToNumber(bytes.subarray(1));
  if (x >= P) throw new InvalidEncodingError(field, 'x-coordinate is not below the field prime');
  // A 33-byte encoding can never be the identity; an x without a curve point is rejected.
  const p = liftX(x, prefix === 3);
  if (p === undefined) throw new InvalidEncodingError(field, 'is not a valid curve point');
  return p;
}

/** BIP340 lift_x: the even-y point with x-coordinate `bytes` (32 bytes, x < p, on curve). */
export function decodeXOnly(bytes: unknown, field: string): Point {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`"${field}" expected Uint8Array`);
  if (bytes.length !== 32)
    throw new InvalidEncodingError(field, `expected 32-byte x-only point, got ${bytes.length}`);
  const x = bytesToNumber(bytes);
  if (x >= P) throw new InvalidEncodingError(field, 'x-coordinate is not below the field prime');
  const p = liftX(x, false);
  if (p === undefined)
    throw new InvalidEncodingError(field, 'is not the x-coordinate of a curve point');
  return p;
}

/** True when the affine y-coordinate is even (BIP340 "has_even_y"). */
export function hasEvenY(p: Point): boolean {
  return p.toAffine().y % 2n === 0n;
}

/** p if its y is even, −p otherwise. */
export function toEvenY(p: Point): Point {
  return hasEvenY(p) ? p : p.negate();
}

// Every scalar multiplication of this package goes through one of the four functions below (or
// the MSM of msm.ts, public data only), so which data reaches variable-time code can be read off
// their callers (docs/frost.md, "Which functions see secrets"; test/constant-time.test.ts).

/** k·G for a SECRET-derived k: noble's constant-time `multiply` (k in [1, n)). */
export function mulBaseSecret(k: bigint): Point {
  return k === 0n ? ZERO : G.multiply(inRange(k));
}
/** k·p for a SECRET-derived k (ECDH, DLEQ): noble's constant-time `multiply` (k in [1, n)). */
export function mulSecret(p: Point, k: bigint): Point {
  return k === 0n ? ZERO : p.multiply(inRange(k));
}
// Checked here: noble's own range error prints the scalar, which is a secret.
function inRange(k: bigint): bigint {
  if (typeof k !== 'bigint' || k < 0n || k >= N) throw new RangeError('scalar out of range');
  return k;
}
/** k·G for a PUBLIC k (variable time, precomputed table); 0 gives the identity. */
export function mulBasePublic(k: bigint): Point {
  return k === 0n ? ZERO : G.multiplyUnsafe(k);
}
/** k·p for a PUBLIC k and point (variable time); 0 gives the identity. */
export function mulPublic(p: Point, k: bigint): Point {
  return p.multiplyUnsafe(k);
}

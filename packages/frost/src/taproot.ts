/**
 * BIP341 key tweaking for the taproot suite: Q = P + t·G with
 * t = int(tagged_hash("TapTweak", x(P) ‖ merkle_root)), P first made even.
 * @module
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { abytes } from './assert.ts';
import { encodeXOnly, mulBasePublic, type Point, toEvenY } from './math/point.ts';
import { bytesToNumber, N } from './math/scalar.ts';

/**
 * The BIP341 TapTweak scalar for internal key `p` (its even-y form is used) and a merkle root:
 * an empty root (length 0) is the key-path-only tweak, otherwise the root is 32 bytes.
 * Strict BIP341: a hash ≥ n is rejected, not reduced (probability ~2^-128).
 */
export function tapTweak(p: Point, merkleRoot: Uint8Array): bigint {
  abytes(merkleRoot, 'merkleRoot');
  if (merkleRoot.length !== 0 && merkleRoot.length !== 32)
    throw new RangeError(`"merkleRoot" expected 0 or 32 bytes, got length=${merkleRoot.length}`);
  const t = bytesToNumber(schnorr.utils.taggedHash('TapTweak', encodeXOnly(p), merkleRoot));
  if (t >= N) throw new RangeError('TapTweak hash is not below the group order');
  return t;
}

/** BIP341 taproot_tweak_pubkey: the output key Q = even(P) + t·G (Q itself may be odd). */
export function tweakPoint(p: Point, merkleRoot: Uint8Array): Point {
  return toEvenY(p).add(mulBasePublic(tapTweak(p, merkleRoot)));
}

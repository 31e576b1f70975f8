/**
 * BIP341 key tweaking, the one implementation of the package: Q = even(P) + t·G with
 * t = int(tagged_hash("TapTweak", x(P) ‖ merkle_root)). Signing keys (`sign/session.ts`), the
 * DKG output of the -TR suite and whole-package tweaks (`keys/tweak.ts`) all derive from
 * `taprootTweak`.
 * @module
 */
import { abytes } from './assert.ts';
import { taggedHash } from './hash.ts';
import { encodeXOnly, hasEvenY, mulBasePublic, type Point } from './math/point.ts';
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
  const t = bytesToNumber(taggedHash('TapTweak', encodeXOnly(p), merkleRoot));
  if (t >= N) throw new RangeError('TapTweak hash is not below the group order');
  return t;
}

/** A BIP341 tweak of key P: Q = (negate ? −P : P) + t·G; a secret x of P becomes ±x + t. */
export type TaprootTweak = {
  /** The output key (its y may be odd). */
  readonly Q: Point;
  /** The TapTweak scalar t. */
  readonly t: bigint;
  /** P has odd y: it (and every share of it) is negated before t is added. */
  readonly negate: boolean;
};

/** taproot_tweak_pubkey(P, merkleRoot) with what a secret-share holder needs to follow it. */
export function taprootTweak(p: Point, merkleRoot: Uint8Array): TaprootTweak {
  const t = tapTweak(p, merkleRoot);
  const negate = !hasEvenY(p);
  return { Q: (negate ? p.negate() : p).add(mulBasePublic(t)), t, negate };
}

/** BIP341 taproot_tweak_pubkey: the output key Q = even(P) + t·G (Q itself may be odd). */
export function tweakPoint(p: Point, merkleRoot: Uint8Array): Point {
  return taprootTweak(p, merkleRoot).Q;
}

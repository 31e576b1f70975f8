/**
 * The three hash constructions of the package, each written once:
 * - `hashToScalar(dst, …parts)`: RFC 9380 hash_to_field over n (expand_message_xmd with SHA-256,
 *   L = 48, one element): RFC 9591 H1, H2, H3, H_DKG, H_ID, and the weighted layer's proof
 *   challenges;
 * - `prefixedHash(prefix, …parts)`: SHA-256(prefix ‖ parts): RFC 9591 H4 and H5, and the weighted
 *   layer's echo digest;
 * - `taggedHash(tag, …parts)`: the BIP340 tagged hash SHA-256(SHA-256(tag) ‖ SHA-256(tag) ‖
 *   parts): the BIP340 challenge and the BIP341 TapTweak.
 * @module
 */
import { schnorr, secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** A domain tag: ASCII text, or its bytes when a hot path encodes it once. */
export type Tag = string | Uint8Array;

const bytesOf = (tag: Tag): Uint8Array => (typeof tag === 'string' ? utf8ToBytes(tag) : tag);

/** RFC 9380 hash_to_field(parts, 1) over the scalar field with DST `dst`. */
export function hashToScalar(dst: Tag, ...parts: Uint8Array[]): bigint {
  return secp256k1_hasher.hashToScalar(parts.length === 1 ? parts[0]! : concatBytes(...parts), {
    DST: bytesOf(dst),
  });
}

/** SHA-256(prefix ‖ parts): the prefix is fixed per use, so inputs never collide across uses. */
export function prefixedHash(prefix: Tag, ...parts: Uint8Array[]): Uint8Array {
  return sha256(concatBytes(bytesOf(prefix), ...parts));
}

/** BIP340 tagged hash (noble's implementation, which caches SHA-256(tag)). */
export function taggedHash(tag: string, ...parts: Uint8Array[]): Uint8Array {
  return schnorr.utils.taggedHash(tag, ...parts);
}

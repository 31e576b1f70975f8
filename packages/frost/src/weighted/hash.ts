import { secp256k1_hasher } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, utf8 } from './encoding.ts';

/** Domain tags of the weighted layer; each proof and key derivation has its own. */
export const TAG = {
  pok: 'peg/frost/weighted/v1/pok',
  kexPok: 'peg/frost/weighted/v1/kex-pok',
  dleq: 'peg/frost/weighted/v1/dleq',
  shareKey: 'peg/frost/weighted/v1/share-key',
  shareAad: 'peg/frost/weighted/v1/share',
  echo: 'peg/frost/weighted/v1/echo',
  publicShares: 'peg/frost/weighted/v1/public-shares',
} as const;

/** RFC 9380 hash_to_field over n (expand_message_xmd SHA-256, L = 48) with the given DST. */
export function hashToScalar(dst: string, ...parts: Uint8Array[]): bigint {
  return secp256k1_hasher.hashToScalar(concat(...parts), { DST: utf8(dst) });
}

/** SHA-256(tag ‖ parts): tag prefixed as ASCII, fixed per use so inputs never collide across uses. */
export function taggedSha256(tag: string, ...parts: Uint8Array[]): Uint8Array {
  return sha256(concat(utf8(tag), ...parts));
}

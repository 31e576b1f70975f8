/**
 * The machines' hashing helpers: a domain-tagged (BIP340-style) digest of a JSON value, and
 * SHA-256 of hex bytes.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from '@peg/wire';
import type { Hex } from './hex.ts';

/** Domain-tagged digest of a JSON value in @peg/wire's canonical JSON (keys sorted). */
export function jsonDigest(tag: string, value: unknown): Hex {
  const text = canonicalJson(value);
  if (text === undefined) throw new TypeError(`jsonDigest(${tag}): the value has no JSON form`);
  return bytesToHex(schnorr.utils.taggedHash(tag, utf8ToBytes(text)));
}

/** Hash of any bytes given as hex (sha256), for selection and message ids. */
export function sha256Hex(data: Hex): Hex {
  return bytesToHex(sha256(hexToBytes(data)));
}

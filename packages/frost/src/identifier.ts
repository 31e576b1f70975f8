/**
 * Participant identifiers: non-zero scalars, exposed (as in noble) as the 64-character lowercase
 * hex of their 32-byte big-endian encoding, so they work as object keys. Ordering is numeric.
 * @module
 */
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { ainteger, astring } from './assert.ts';
import type { Ciphersuite } from './ciphersuite.ts';
import { type Identifier, InvalidEncodingError } from './errors.ts';
import { encodeScalar, N } from './math/scalar.ts';

/** Canonical hex of a non-zero scalar identifier. */
export function identifierToHex(id: bigint): Identifier {
  if (id <= 0n || id >= N) throw new RangeError('identifier must be a non-zero scalar');
  return bytesToHex(encodeScalar(id));
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parses a canonical identifier (64 lowercase hex chars, non-zero, below n). */
export function parseIdentifier(value: unknown, field: string): bigint {
  astring(value, field);
  if (!HEX64.test(value as string))
    throw new InvalidEncodingError(field, 'expected 64 lowercase hex characters');
  const id = BigInt(`0x${value}`);
  if (id === 0n) throw new InvalidEncodingError(field, 'identifier is zero');
  if (id >= N) throw new InvalidEncodingError(field, 'identifier is not below the group order');
  return id;
}

/** `Identifier.fromNumber(n)`: the scalar n (1 ≤ n, a safe integer). */
export function identifierFromNumber(n: number): Identifier {
  ainteger(n, 'n', 1, Number.MAX_SAFE_INTEGER);
  return identifierToHex(BigInt(n));
}

/** `Identifier.derive(s)`: H_ID(UTF-8(s)), hash_to_field with DST contextString‖"id" (ZF, noble). */
export function deriveIdentifier(suite: Ciphersuite, s: string): Identifier {
  astring(s, 's');
  const id = suite.HID(utf8ToBytes(s));
  if (id === 0n) throw new RangeError('derived identifier is zero');
  return identifierToHex(id);
}

/** Numeric comparison for sorting identifiers. */
export function compareIds(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

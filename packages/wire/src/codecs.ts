import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { isCurveX, N_HEX } from './curve.ts';
import { checkPointHex } from './point-checks.ts';

// Byte fields travel as lowercase hex (no prefix) and decode to Uint8Array. One spelling per
// value: uppercase, odd length or a 0x prefix are rejected, never normalised.
// zod runs later checks even after a failed one unless told to abort: format checks abort, and
// every refinement below is also safe on any string (the fuzz tests found the difference).

const ZERO_SCALAR_HEX = '0'.repeat(64);
const bytesOut = z.custom<Uint8Array>(
  (value) => value instanceof Uint8Array,
  'expected a Uint8Array',
);

/** A lowercase-hex string schema decoded to bytes (and encoded back). */
export function hexCodec(input: z.ZodType<string, string>) {
  return z.codec(input, bytesOut, {
    decode: (hex) => hexToBytes(hex),
    encode: (bytes) => bytesToHex(bytes),
  });
}

/** Exactly `length` bytes as 2*length lowercase hex digits. */
export function fixedBytes(length: number) {
  return hexCodec(
    z
      .string()
      .regex(new RegExp(`^[0-9a-f]{${2 * length}}$`), `expected ${length} bytes of lowercase hex`),
  );
}

/** Between `min` and `max` bytes as lowercase hex; the length bound is checked before the characters. */
export function boundedBytes(min: number, max: number) {
  return hexCodec(
    z
      .string()
      .min(2 * min)
      .max(2 * max)
      .regex(/^(?:[0-9a-f]{2})*$/, 'expected lowercase hex of whole bytes'),
  );
}

/** 32 bytes (hashes, sighashes, block hashes, merkle roots). */
export const bytes32 = fixedBytes(32);

/** A BIP340 signature: 64 bytes. */
export const signature64 = fixedBytes(64);

/**
 * A secp256k1 point, 33-byte compressed (SEC1), never the identity: prefix 02/03 and an x
 * coordinate on the curve (RFC 9591 DeserializeElement).
 */
export const point = hexCodec(
  z
    .string()
    .regex(/^0[23][0-9a-f]{64}$/, { message: 'expected a 33-byte compressed point', abort: true })
    .refine(checkPointHex, 'not a point on secp256k1'),
);

/**
 * A secp256k1 point, 65-byte uncompressed (`04 ‖ x ‖ y`), on the curve. Used only for DKG
 * commitment vectors, which run to thousands of points per message: checking one costs two
 * field multiplications instead of a square root (the format @peg/frost's round 1 uses).
 */
export const uncompressedPoint = hexCodec(
  z
    .string()
    .regex(/^04[0-9a-f]{128}$/, { message: 'expected a 65-byte uncompressed point', abort: true })
    .refine(checkPointHex, 'not a point on secp256k1'),
);

/** A BIP340 x-only public key: 32 bytes, an x coordinate on the curve (lift_x succeeds). */
export const xOnlyKey = hexCodec(
  z
    .string()
    .regex(/^[0-9a-f]{64}$/, { message: 'expected a 32-byte x-only key', abort: true })
    .refine(isCurveX, 'not an x coordinate on secp256k1'),
);

/**
 * A scalar: 32 bytes big-endian in [1, n-1]. Values >= n are rejected, never reduced (one
 * encoding per value); zero is rejected too (no protocol scalar may be zero in practice).
 */
export const scalar = hexCodec(
  z
    .string()
    .regex(/^[0-9a-f]{64}$/, { message: 'expected a 32-byte scalar', abort: true })
    .refine((hex) => hex < N_HEX && hex !== ZERO_SCALAR_HEX, 'scalar out of range [1, n-1]'),
);

/** A 32-bit unsigned integer (block height, counts). */
export const uint32 = z.int().min(0).max(0xffff_ffff);

/**
 * An id (party, key id, DKG, sign round, iteration): uint32 >= 1. Never 0: key id 0 would
 * evaluate a polynomial at its secret.
 */
export const id = z.int().min(1).max(0xffff_ffff);

/** A non-negative integer that JSON carries exactly (withdrawal request ids). */
export const safeUint = z.int().min(0);

/** True when `values` is strictly ascending (so also free of duplicates). */
export function isStrictlyAscending(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) {
    if ((values[i] as number) <= (values[i - 1] as number)) return false;
  }
  return true;
}

/** A set of ids as a strictly ascending list of `min`..`max` entries (no zero, no duplicate). */
export function idSet(min: number, max: number) {
  return z
    .array(id)
    .min(min)
    .max(max)
    .refine(isStrictlyAscending, 'ids must be strictly ascending (no duplicates)');
}

/**
 * A list of `min`..`max` objects strictly ascending by their numeric `key` field: one entry per
 * id, in one order, so the list has one encoding.
 */
export function keyedList<K extends string, T extends z.ZodType<Record<K, number>>>(
  item: T,
  key: K,
  min: number,
  max: number,
) {
  return z
    .array(item)
    .min(min)
    .max(max)
    .refine(
      (list) => isStrictlyAscending(list.map((entry) => (entry as Record<K, number>)[key])),
      `entries must be strictly ascending by ${key} (no duplicates)`,
    );
}

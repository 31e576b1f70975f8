/**
 * The key a signature verifies under: the x-only group key, or its BIP341 output key (the
 * tweak is @peg/frost's `tweakPoint`, the one TapTweak implementation).
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { decodePoint, encodeXOnly, tweakPoint } from '@peg/frost';
import type { Hex } from './hex.ts';

/**
 * How the group key is tweaked (the wire's `tweak`): `none` = plain BIP340 under the even-y
 * group key (the DKG verification round); `taproot` with merkleRoot null = BIP341 key-path-only
 * output key (BIP86 tweak: the peg wallet); with a 32-byte root = the output key committing to it.
 */
export type Tweak = { type: 'none' } | { type: 'taproot'; merkleRoot: Hex | null };

/** True when two tweaks name the same output key. */
export const sameTweak = (a: Tweak, b: Tweak): boolean =>
  a.type === 'none'
    ? b.type === 'none'
    : b.type === 'taproot' && (a.merkleRoot ?? '') === (b.merkleRoot ?? '');

/** x-only (32-byte) group key, the BIP340 public key. */
export function xOnly(groupKey: Hex): Hex {
  return groupKey.slice(2);
}

/** The x-only key a signature verifies under (BIP341 output key when tweaked). */
export function outputKey(groupKey: Hex, t: Tweak): Hex {
  if (t.type === 'none') return xOnly(groupKey);
  const root = hexToBytes(t.merkleRoot ?? '');
  return bytesToHex(encodeXOnly(tweakPoint(decodePoint(hexToBytes(groupKey), 'groupKey'), root)));
}

/**
 * Test doubles of the chain-facing parts of a signer: a toy "transaction" whose sighashes are
 * derived from its bytes, and a toy policy over it. They stand in for the real sighash rebuild
 * and policy (`packages/runtime`) in the simulation and the tests only.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';
import type { Hex } from '../hex.ts';
import type { Policy } from '../policy.ts';

/** Toy sighashes of a toy transaction: count = its first byte, sha256(bytes || index) each. */
export function toySighashes(payload: Hex): Hex[] {
  const bytes = hexToBytes(payload);
  const count = bytes[0] ?? 0;
  const out: Hex[] = [];
  for (let i = 0; i < count; i++)
    out.push(bytesToHex(sha256(concatBytes(bytes, Uint8Array.of(i)))));
  return out;
}

/** Request ids at or above this are on the toy policy's block list. */
export const TOY_BLOCKLISTED = 1_000_000;

/** Toy policy: refuses block-listed request ids, else approves the toy sighashes (key path). */
export const toyPolicy: Policy = (req) =>
  req.withdrawalRequestIds.some((r) => r >= TOY_BLOCKLISTED)
    ? { approve: false, reason: 'blocklisted' }
    : {
        approve: true,
        messages: toySighashes(req.unsignedTransaction),
        tweak: { type: 'taproot', merkleRoot: null },
      };

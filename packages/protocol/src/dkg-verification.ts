/**
 * The message of a DKG's verification round: every new-key holder signs it under the new key
 * before the key is published, and every party rebuilds it locally (never trusts it).
 */
import { numberToBytesBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Hex } from './hex.ts';

/**
 * The round's "transaction" (rebuild data) is this preimage and its one message is its SHA-256.
 */
export function dkgVerification(dkgId: number, groupKey: Hex): { preimage: Hex; message: Hex } {
  const preimage = concatBytes(
    utf8ToBytes('peg/dkg-verification'),
    numberToBytesBE(dkgId, 4),
    hexToBytes(groupKey),
  );
  return { preimage: bytesToHex(preimage), message: bytesToHex(sha256(preimage)) };
}

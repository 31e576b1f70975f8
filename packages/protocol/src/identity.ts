/**
 * Sender signatures on the messages that serve as evidence (DKG shares, nonce responses): a
 * BIP340 signature with the party's identity key over a domain-tagged digest of the message
 * without its `signature` field.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { type Hex, jsonDigest, type Rng } from './crypto.ts';

type Signed = { type: string; signature: Hex };

/** Digest of a message with its signature field blanked. */
export function evidenceDigest<T extends Signed>(message: T): Hex {
  return jsonDigest(`peg/evidence/${message.type}`, { ...message, signature: '' });
}

/** Signs `message` (its `signature` field is replaced). */
export function signEvidence<T extends Signed>(message: T, secretKey: Hex, rng: Rng): T {
  const sig = schnorr.sign(hexToBytes(evidenceDigest(message)), hexToBytes(secretKey), rng(32));
  return { ...message, signature: bytesToHex(sig) };
}

/** True when `message.signature` is a valid signature of `publicKey` (x-only hex). */
export function verifyEvidence<T extends Signed>(message: T, publicKey: Hex): boolean {
  try {
    return schnorr.verify(
      hexToBytes(message.signature),
      hexToBytes(evidenceDigest(message)),
      hexToBytes(publicKey),
    );
  } catch {
    return false;
  }
}

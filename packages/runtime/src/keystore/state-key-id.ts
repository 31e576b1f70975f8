import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * Names a state-encryption key without revealing it: the first 8 bytes of
 * taggedHash("peg/keystore/state-key-id/v1", key), hex. The keystore prints it and the state
 * store records it, so a store opened with another keystore's key is refused by name.
 */
export function stateKeyId(key: Uint8Array): string {
  return bytesToHex(schnorr.utils.taggedHash('peg/keystore/state-key-id/v1', key).subarray(0, 8));
}

/**
 * Encryption of DKG private shares (docs/protocol/crypto.md, "Encrypted shares").
 * Both ends of a pair derive the same ChaCha20-Poly1305 key from their ECDH point
 * K = a_s·B_r = a_r·B_s (fresh key-exchange keys per DKG), so each party does one scalar
 * multiplication per peer for both directions. The nonce (sender ‖ key id ‖ 0) is unique per
 * pair key because key ids belong to exactly one recipient; the associated data binds DKG id,
 * sender, recipient and key id, so a ciphertext moved to any other slot fails to open.
 * @module
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { ShareDecryptionError } from '../errors.ts';
import { encodePoint, type Point } from '../math/point.ts';
import { decodeScalar, encodeScalar } from '../math/scalar.ts';
import { u32 } from './encoding.ts';
import { TAG } from './tags.ts';

export const SHARE_CIPHERTEXT_LENGTH = 48;

export function pairKey(
  dkgId: Uint8Array,
  partyA: number,
  partyB: number,
  ecdh: Point,
): Uint8Array {
  const [lo, hi] = partyA < partyB ? [partyA, partyB] : [partyB, partyA];
  return hkdf(
    sha256,
    encodePoint(ecdh),
    utf8ToBytes(TAG.shareKey),
    concatBytes(dkgId, u32(lo), u32(hi)),
    32,
  );
}

function shareNonce(sender: number, keyId: number): Uint8Array {
  return concatBytes(u32(sender), u32(keyId), new Uint8Array(4));
}

function shareAad(dkgId: Uint8Array, sender: number, recipient: number, keyId: number): Uint8Array {
  return concatBytes(utf8ToBytes(TAG.shareAad), dkgId, u32(sender), u32(recipient), u32(keyId));
}

export function encryptShare(
  key: Uint8Array,
  dkgId: Uint8Array,
  sender: number,
  recipient: number,
  keyId: number,
  share: bigint,
): Uint8Array {
  return chacha20poly1305(
    key,
    shareNonce(sender, keyId),
    shareAad(dkgId, sender, recipient, keyId),
  ).encrypt(encodeScalar(share));
}

/** Opens one share; throws `ShareDecryptionError` on a bad tag or a scalar ≥ n (both blame the sender). */
export function decryptShare(
  key: Uint8Array,
  dkgId: Uint8Array,
  sender: number,
  recipient: number,
  keyId: number,
  ciphertext: Uint8Array,
): bigint {
  if (!(ciphertext instanceof Uint8Array) || ciphertext.length !== SHARE_CIPHERTEXT_LENGTH) {
    throw new ShareDecryptionError(sender, keyId, 'wrong length');
  }
  let plain: Uint8Array;
  try {
    plain = chacha20poly1305(
      key,
      shareNonce(sender, keyId),
      shareAad(dkgId, sender, recipient, keyId),
    ).decrypt(ciphertext);
  } catch {
    throw new ShareDecryptionError(sender, keyId, 'authentication failed');
  }
  try {
    return decodeScalar(plain, 'share');
  } catch {
    throw new ShareDecryptionError(sender, keyId, 'not a scalar');
  }
}

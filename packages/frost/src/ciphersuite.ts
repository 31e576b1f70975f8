/**
 * The two ciphersuites as data plus hooks: RFC 9591 §6.5 FROST(secp256k1, SHA-256) and the
 * Zcash Foundation FROST(secp256k1, SHA-256)-TR suite (BIP340 challenge, even-y group key and
 * group commitment, x-only signatures). The protocol code in `sign/` and `keys/` is written
 * once against this object.
 * @module
 */

import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { InvalidEncodingError } from './errors.ts';
import { hashToScalar, prefixedHash, taggedHash } from './hash.ts';
import {
  decodePoint,
  decodeXOnly,
  encodePoint,
  encodeXOnly,
  hasEvenY,
  type Point,
} from './math/point.ts';
import { bytesToNumber, decodeScalar, encodeScalar, N } from './math/scalar.ts';

/** A FROST ciphersuite over secp256k1. */
export type Ciphersuite = {
  /** RFC 9591 contextString, e.g. `FROST-secp256k1-SHA256-v1`. */
  readonly contextString: string;
  /** True for the -TR (Taproot/BIP340) suite: even-y normalisation, x-only encodings. */
  readonly taproot: boolean;
  /** Signature length: 65 (R compressed ‖ z) or 64 (x(R) ‖ z). */
  readonly signatureLength: number;
  /** H1: binding factors (hash_to_field, DST ctx‖"rho"). */
  H1(m: Uint8Array): bigint;
  /** H3: nonces (ctx‖"nonce"). */
  H3(m: Uint8Array): bigint;
  /** H4: message digest, SHA-256(ctx‖"msg"‖m). */
  H4(m: Uint8Array): Uint8Array;
  /** H5: commitment-list digest, SHA-256(ctx‖"com"‖m). */
  H5(m: Uint8Array): Uint8Array;
  /** H_DKG: proof-of-knowledge challenge (ctx‖"dkg"). */
  HDKG(m: Uint8Array): bigint;
  /** H_ID: identifier derivation (ctx‖"id"). */
  HID(m: Uint8Array): bigint;
  /** Signature challenge c (H2 for RFC 9591; the BIP340 tagged hash over x-only for -TR). */
  challenge(R: Point, PK: Point, msg: Uint8Array): bigint;
  /** Encodes a final signature (R is the group commitment before normalisation). */
  encodeSignature(R: Point, z: bigint): Uint8Array;
  /** Strictly decodes a final signature (for -TR, R is lifted to even y). */
  decodeSignature(sig: Uint8Array): { R: Point; z: bigint };
  /** Decodes a group public key given to `verify` (-TR also accepts 32-byte x-only keys). */
  decodePublicKey(bytes: Uint8Array): Point;
};

function hashes(ctx: string) {
  const label = (s: string) => utf8ToBytes(ctx + s);
  const toScalar = (dst: Uint8Array) => (m: Uint8Array) => hashToScalar(dst, m);
  const sha = (prefix: Uint8Array) => (m: Uint8Array) => prefixedHash(prefix, m);
  return {
    H1: toScalar(label('rho')),
    H2: toScalar(label('chal')),
    H3: toScalar(label('nonce')),
    H4: sha(label('msg')),
    H5: sha(label('com')),
    HDKG: toScalar(label('dkg')),
    HID: toScalar(label('id')),
  };
}

function rfcSuite(): Ciphersuite {
  const contextString = 'FROST-secp256k1-SHA256-v1';
  const { H2, ...h } = hashes(contextString);
  return Object.freeze({
    contextString,
    taproot: false,
    signatureLength: 65,
    ...h,
    challenge: (R: Point, PK: Point, msg: Uint8Array) =>
      H2(concatBytes(encodePoint(R), encodePoint(PK), msg)),
    encodeSignature: (R: Point, z: bigint) => concatBytes(encodePoint(R), encodeScalar(z)),
    decodeSignature(sig: Uint8Array) {
      if (sig.length !== 65)
        throw new InvalidEncodingError('signature', `expected 65 bytes, got ${sig.length}`);
      return {
        R: decodePoint(sig.subarray(0, 33), 'signature.R'),
        z: decodeScalar(sig.subarray(33), 'signature.z'),
      };
    },
    decodePublicKey: (bytes: Uint8Array) => decodePoint(bytes, 'publicKey'),
  });
}

function taprootSuite(): Ciphersuite {
  const contextString = 'FROST-secp256k1-SHA256-TR-v1';
  const { H2: _unused, ...h } = hashes(contextString);
  return Object.freeze({
    contextString,
    taproot: true,
    signatureLength: 64,
    ...h,
    // BIP340: int(hash_BIP0340/challenge(x(R) ‖ x(PK) ‖ m)) mod n. A plain reduction, not
    // hash_to_field, and only x-coordinates go in, so it is the same for R and −R.
    challenge: (R: Point, PK: Point, msg: Uint8Array) =>
      bytesToNumber(taggedHash('BIP0340/challenge', encodeXOnly(R), encodeXOnly(PK), msg)) % N,
    encodeSignature: (R: Point, z: bigint) => concatBytes(encodeXOnly(R), encodeScalar(z)),
    decodeSignature(sig: Uint8Array) {
      if (sig.length !== 64)
        throw new InvalidEncodingError('signature', `expected 64 bytes, got ${sig.length}`);
      return {
        R: decodeXOnly(sig.subarray(0, 32), 'signature.R'),
        z: decodeScalar(sig.subarray(32), 'signature.z'),
      };
    },
    decodePublicKey(bytes: Uint8Array) {
      const p =
        bytes.length === 32 ? decodeXOnly(bytes, 'publicKey') : decodePoint(bytes, 'publicKey');
      return hasEvenY(p) ? p : p.negate();
    },
  });
}

/** RFC 9591 FROST(secp256k1, SHA-256). */
export const SECP256K1: Ciphersuite = rfcSuite();
/** ZF FROST(secp256k1, SHA-256)-TR (BIP340/BIP341 compatible). */
export const SECP256K1_TR: Ciphersuite = taprootSuite();

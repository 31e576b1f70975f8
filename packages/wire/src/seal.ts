import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { equalBytes } from './bytes.ts';
import { canonicalJson } from './canonical.ts';
import { envelopeDigest, keyAnnouncementDigest } from './digest.ts';
import { PROTOCOL_VERSION, schemasFor, type UnsignedEnvelope } from './envelope.ts';
import type { Limits } from './limits.ts';
import { withPointChecks } from './point-checks.ts';

/** Options of `seal`. */
export type SealOptions = {
  /** The federation's limits (default DEFAULT_LIMITS); a message over them is refused. */
  limits?: Limits;
  /** BIP340 auxiliary randomness (32 bytes); random by default, fixed only for fixtures. */
  auxRand?: Uint8Array;
};

/**
 * Encodes `message` canonically, signs it with `secretKey` (BIP340) and returns the envelope
 * bytes. Throws TypeError when the message does not fit the schema (the path is named, values
 * are not), when `secretKey` is not the key of `message.sender.publicKey`, and RangeError when
 * the encoding exceeds `limits.maxBytes`: a sender learns at once, never by silence.
 *
 * Point fields are checked for form here (33 bytes, prefix 02/03); every receiver checks them
 * on the curve.
 */
export function seal(
  message: UnsignedEnvelope,
  secretKey: Uint8Array,
  options: SealOptions = {},
): Uint8Array {
  const schemas = schemasFor(options.limits);
  const publicKey = schnorr.getPublicKey(secretKey);
  if (
    !(message.sender.publicKey instanceof Uint8Array) ||
    !equalBytes(publicKey, message.sender.publicKey)
  ) {
    throw new TypeError('seal: secret key does not belong to sender.publicKey');
  }
  const { result: encoded } = withPointChecks('skip', () =>
    schemas.unsignedEnvelopeSchema.safeEncode({ ...message, version: PROTOCOL_VERSION } as never),
  );
  if (!encoded.success) {
    const issue = encoded.error.issues[0];
    throw new TypeError(`seal: "${issue?.path.join('.') ?? ''}" ${issue?.message ?? 'invalid'}`);
  }
  const unsigned = canonicalJson(encoded.data);
  if (unsigned === undefined) throw new TypeError('seal: message has no JSON form');
  const signature = schnorr.sign(envelopeDigest(unsigned), secretKey, options.auxRand);
  const signed = canonicalJson({ ...(encoded.data as object), signature: bytesToHex(signature) });
  const bytes = utf8ToBytes(signed as string);
  const max = schemas.limits.maxBytes;
  if (bytes.length > max) {
    throw new RangeError(`seal: envelope is ${bytes.length} bytes, limit ${max}`);
  }
  return bytes;
}

/**
 * Builds a key-announcement payload: the messaging key for `partyId` with its proof of
 * possession (a BIP340 signature by the messaging key over `keyAnnouncementDigest`).
 */
export function announceKey(
  partyId: number,
  sequence: number,
  messagingSecretKey: Uint8Array,
  auxRand?: Uint8Array,
): { sequence: number; messagingKey: Uint8Array; possession: Uint8Array } {
  const messagingKey = schnorr.getPublicKey(messagingSecretKey);
  const possession = schnorr.sign(
    keyAnnouncementDigest(partyId, sequence, messagingKey),
    messagingSecretKey,
    auxRand,
  );
  return { sequence, messagingKey, possession };
}

import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { equalBytes } from './bytes.ts';
import { canonicalMembers, toJsonForm } from './canonical.ts';
import { envelopeDigest, keyAnnouncementDigest } from './digest.ts';
import {
  PROTOCOL_VERSION,
  type Schemas,
  schemasFor,
  type UnsignedEnvelope,
  type UnsignedEnvelopeJson,
} from './envelope.ts';
import type { Limits } from './limits.ts';
import { withPointChecks } from './point-checks.ts';

/** Orders `"key":value` member texts by key (keys are plain ASCII names, so `"` ends each key). */
const byKey = (a: string, b: string): number => {
  const ka = a.slice(0, a.indexOf('":'));
  const kb = b.slice(0, b.indexOf('":'));
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

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
  const claimed: unknown = message.sender?.publicKey;
  if (!(claimed instanceof Uint8Array) || !equalBytes(publicKey, claimed)) {
    throw new TypeError('seal: secret key does not belong to sender.publicKey');
  }
  // Byte fields to hex: the JSON form, which sealUnsignedJson checks and signs.
  const json = toJsonForm({ ...message, version: PROTOCOL_VERSION }) as Record<string, unknown>;
  return sealUnsignedJson(schemas, json, secretKey, options.auxRand);
}

/**
 * `seal` for a message in its JSON form (byte fields as lowercase hex strings, as
 * `open` returns in `json`): the same checks, and the same bytes as `seal` of the
 * equivalent decoded message. A byte field given as a Uint8Array is refused (TypeError).
 */
export function sealJson(
  message: UnsignedEnvelopeJson,
  secretKey: Uint8Array,
  options: SealOptions = {},
): Uint8Array {
  const schemas = schemasFor(options.limits);
  const publicKey = schnorr.getPublicKey(secretKey);
  const claimed: unknown = message.sender?.publicKey;
  if (typeof claimed !== 'string' || claimed !== bytesToHex(publicKey)) {
    throw new TypeError('seal: secret key does not belong to sender.publicKey');
  }
  // A fresh plain copy, so what is checked is what is signed (no getters, no shared arrays).
  const json = toJsonForm({ ...message, version: PROTOCOL_VERSION }, 'keep') as Record<
    string,
    unknown
  >;
  return sealUnsignedJson(schemas, json, secretKey, options.auxRand);
}

/**
 * Checks a JSON-form envelope (with version, without signature) against the schemas, signs
 * its canonical text and returns the envelope bytes. The caller has checked the sender key.
 */
function sealUnsignedJson(
  schemas: Schemas,
  json: Record<string, unknown>,
  secretKey: Uint8Array,
  auxRand: Uint8Array | undefined,
): Uint8Array {
  // Validate the JSON form with the decoder (several times faster than zod's encode direction;
  // the hex codecs are bijective, so it checks the same as encoding would).
  const { result: checked } = withPointChecks('skip', () =>
    schemas.unsignedEnvelopeSchema.safeDecode(json as never),
  );
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new TypeError(`seal: "${issue?.path.join('.') ?? ''}" ${issue?.message ?? 'invalid'}`);
  }
  const members = canonicalMembers(json);
  if (members === undefined) throw new TypeError('seal: message has no JSON form');
  const signature = schnorr.sign(envelopeDigest(`{${members.join(',')}}`), secretKey, auxRand);
  // Every member's text is reused; the signature member goes in at its sorted place.
  const signed = `{${[...members, `"signature":"${bytesToHex(signature)}"`].sort(byKey).join(',')}}`;
  const bytes = utf8ToBytes(signed);
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

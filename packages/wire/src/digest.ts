import { schnorr } from '@noble/curves/secp256k1.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';

/** BIP340 tagged-hash tag of the envelope signing hash. The version is inside the hashed text. */
export const ENVELOPE_TAG = 'peg/wire/envelope';
/** Tag of the messaging key's proof of possession in a key announcement. */
export const KEY_ANNOUNCEMENT_TAG = 'peg/wire/key-announcement';

/**
 * The 32-byte hash an envelope's BIP340 signature signs:
 * taggedHash("peg/wire/envelope", UTF-8 of the canonical JSON of the envelope without its
 * `signature` member). Every other member (version, kind, ids, sender, chain tip, payload)
 * is inside.
 */
export function envelopeDigest(unsignedCanonicalJson: string): Uint8Array {
  return schnorr.utils.taggedHash(ENVELOPE_TAG, utf8ToBytes(unsignedCanonicalJson));
}

function u32be(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, false);
  return out;
}

/**
 * What the announced messaging key signs to prove possession:
 * taggedHash("peg/wire/key-announcement", partyId u32 BE || sequence u32 BE || messagingKey 32 B).
 */
export function keyAnnouncementDigest(
  partyId: number,
  sequence: number,
  messagingKey: Uint8Array,
): Uint8Array {
  return schnorr.utils.taggedHash(
    KEY_ANNOUNCEMENT_TAG,
    u32be(partyId),
    u32be(sequence),
    messagingKey,
  );
}

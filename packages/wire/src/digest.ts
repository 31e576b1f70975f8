import { schnorr } from '@noble/curves/secp256k1.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from './canonical.ts';

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

/** Tag of the content digest (the DKG echo). */
export const CONTENT_TAG = 'peg/wire/content';

/**
 * What a message says, without who carried it when: taggedHash("peg/wire/content", UTF-8 of the
 * canonical JSON of {kind, the session ids the kind carries, sender: partyId, payload}) over the
 * JSON form. The chain tip and the signature are left out, so a message its sender sealed again
 * (a resend after its tip moved) keeps its digest; two different digests under one sender, kind
 * and ids are two different messages (equivocation). The DKG `echo` lists these digests.
 */
export function contentDigest(e: {
  kind: string;
  dkgId?: number;
  signId?: number;
  iteration?: number;
  sender: { partyId: number };
  payload: unknown;
}): Uint8Array {
  const ids: Record<string, number> = {};
  if (e.dkgId !== undefined) ids.dkgId = e.dkgId;
  if (e.signId !== undefined) ids.signId = e.signId;
  if (e.iteration !== undefined) ids.iteration = e.iteration;
  const text = canonicalJson({
    kind: e.kind,
    ...ids,
    sender: e.sender.partyId,
    payload: e.payload,
  });
  if (text === undefined) throw new TypeError('contentDigest: the message has no JSON form');
  return schnorr.utils.taggedHash(CONTENT_TAG, utf8ToBytes(text));
}

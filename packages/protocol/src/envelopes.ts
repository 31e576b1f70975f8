/**
 * The machines speak `@peg/wire` and nothing else. A received message is an envelope that the
 * shell's `open` accepted (schema, sender key, BIP340 signature, curve checks), in its JSON form
 * (byte fields as lowercase hex: plain data, storable in state, and `canonicalJson` of it gives
 * back the exact signed bytes, so a stored envelope is evidence and can be forwarded). A sent
 * message is kind, session ids and payload; the shell seals it (`sealJson`) with its identity
 * key and chain tip. The sender of a message is always `envelope.sender.partyId`.
 */
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  canonicalJson,
  type EnvelopeJson,
  type EnvelopeJsonOf,
  type KIND_IDS,
  type Kind,
  type PayloadJsonOf,
  contentDigest as wireContentDigest,
} from '@peg/wire';
import type { Hex } from './hex.ts';

/** An opened envelope in JSON form. */
export type WireEnvelope = EnvelopeJson;
/** An opened envelope of one kind. */
export type WireEnvelopeOf<K extends Kind> = EnvelopeJsonOf<K>;
/** A payload in JSON form. */
export type Payload<K extends Kind> = PayloadJsonOf<K>;

type IdsOf<K extends Kind> = (typeof KIND_IDS)[K] extends 'sign'
  ? { dkgId: number; signId: number; iteration: number }
  : (typeof KIND_IDS)[K] extends 'dkg'
    ? { dkgId: number }
    : Record<never, never>;

/** What a machine sends, for one kind: the shell adds version, sender, chain tip, signature. */
export type OutgoingOf<K extends Kind> = { kind: K; payload: Payload<K> } & IdsOf<K>;
/** What a machine sends. */
export type Outgoing = { [K in Kind]: OutgoingOf<K> }[Kind];

/**
 * The content digest of a message (@peg/wire `contentDigest`: kind, ids, sender, payload; not
 * the chain tip or signature): what the DKG echo compares, so a resent message is the same one
 * and two contents signed by one party for one DKG are equivocation.
 */
export const contentDigest = (e: WireEnvelope): Hex => bytesToHex(wireContentDigest(e));

/** The exact sealed bytes of an opened envelope (hex), e.g. as equivocation evidence. */
export function sealedHex(e: WireEnvelope): Hex {
  return bytesToHex(utf8ToBytes(canonicalJson(e) ?? ''));
}

import { z } from 'zod';
import { bytes32, id, signature64, uint32, xOnlyKey } from './codecs.ts';
import { dkgPayloads } from './dkg.ts';
import type { Kind } from './kinds.ts';
import { checkLimits, DEFAULT_LIMITS, type Limits } from './limits.ts';
import { setupPayloads } from './setup.ts';
import { signingPayloads } from './signing.ts';

/** The protocol version this package speaks. A change to any golden fixture bumps it. */
export const PROTOCOL_VERSION = 2;

/** The sender: its party id and the BIP340 x-only key that signs the envelope. */
export const senderSchema = z.strictObject({ partyId: id, publicKey: xOnlyKey });

/** The sender's view of the Bitcoin chain tip: burn height and block hash (RPC display order). */
export const chainTipSchema = z.strictObject({ height: uint32, hash: bytes32 });

const NO_IDS = {};
// Session ids are counters starting at 1 (like every id, never 0); "older" is "smaller".
const DKG_IDS = { dkgId: id };
const SIGN_IDS = { dkgId: id, signId: id, iteration: id };

function envelope<K extends Kind, I extends z.core.$ZodLooseShape, P extends z.ZodType>(
  kind: K,
  ids: I,
  payload: P,
) {
  return z.strictObject({
    version: z.literal(PROTOCOL_VERSION),
    kind: z.literal(kind),
    ...ids,
    sender: senderSchema,
    chainTip: chainTipSchema,
    payload,
    signature: signature64,
  });
}

/** Every schema of the protocol for one limits object: payloads, envelopes, and their union. */
export function buildSchemas(limits: Limits) {
  const p = { ...setupPayloads(limits), ...dkgPayloads(limits), ...signingPayloads(limits) };
  const envelopes = {
    'signer-ready': envelope('signer-ready', NO_IDS, p['signer-ready']),
    'key-announcement': envelope('key-announcement', NO_IDS, p['key-announcement']),
    'public-address-available': envelope(
      'public-address-available',
      DKG_IDS,
      p['public-address-available'],
    ),
    'dkg-begin': envelope('dkg-begin', DKG_IDS, p['dkg-begin']),
    'dkg-public-shares': envelope('dkg-public-shares', DKG_IDS, p['dkg-public-shares']),
    'dkg-private-begin': envelope('dkg-private-begin', DKG_IDS, p['dkg-private-begin']),
    'dkg-private-shares': envelope('dkg-private-shares', DKG_IDS, p['dkg-private-shares']),
    'dkg-end-begin': envelope('dkg-end-begin', DKG_IDS, p['dkg-end-begin']),
    'dkg-end': envelope('dkg-end', DKG_IDS, p['dkg-end']),
    'dkg-query': envelope('dkg-query', DKG_IDS, p['dkg-query']),
    'dkg-query-response': envelope('dkg-query-response', DKG_IDS, p['dkg-query-response']),
    'nonce-request': envelope('nonce-request', SIGN_IDS, p['nonce-request']),
    'nonce-response': envelope('nonce-response', SIGN_IDS, p['nonce-response']),
    'signature-share-request': envelope(
      'signature-share-request',
      SIGN_IDS,
      p['signature-share-request'],
    ),
    'signature-share-response': envelope(
      'signature-share-response',
      SIGN_IDS,
      p['signature-share-response'],
    ),
  } as const;
  const e = envelopes;
  const envelopeSchema = z.discriminatedUnion('kind', [
    e['signer-ready'],
    e['key-announcement'],
    e['public-address-available'],
    e['dkg-begin'],
    e['dkg-public-shares'],
    e['dkg-private-begin'],
    e['dkg-private-shares'],
    e['dkg-end-begin'],
    e['dkg-end'],
    e['dkg-query'],
    e['dkg-query-response'],
    e['nonce-request'],
    e['nonce-response'],
    e['signature-share-request'],
    e['signature-share-response'],
  ]);
  const unsignedEnvelopeSchema = z.discriminatedUnion('kind', [
    e['signer-ready'].omit({ signature: true }),
    e['key-announcement'].omit({ signature: true }),
    e['public-address-available'].omit({ signature: true }),
    e['dkg-begin'].omit({ signature: true }),
    e['dkg-public-shares'].omit({ signature: true }),
    e['dkg-private-begin'].omit({ signature: true }),
    e['dkg-private-shares'].omit({ signature: true }),
    e['dkg-end-begin'].omit({ signature: true }),
    e['dkg-end'].omit({ signature: true }),
    e['dkg-query'].omit({ signature: true }),
    e['dkg-query-response'].omit({ signature: true }),
    e['nonce-request'].omit({ signature: true }),
    e['nonce-response'].omit({ signature: true }),
    e['signature-share-request'].omit({ signature: true }),
    e['signature-share-response'].omit({ signature: true }),
  ]);
  return Object.freeze({ limits, payloads: p, envelopes, envelopeSchema, unsignedEnvelopeSchema });
}

/** The schemas for one limits object. */
export type Schemas = ReturnType<typeof buildSchemas>;

const cache = new WeakMap<Limits, Schemas>();

/**
 * The schemas for `limits`, built once per limits object. A hand-made object that breaks
 * LimitsSchema (a NaN `maxBytes` would disable the size check) throws TypeError: `seal`
 * passes it on, `open` refuses every envelope (code `internal`), never decoding unbounded.
 */
export function schemasFor(limits: Limits = DEFAULT_LIMITS): Schemas {
  let schemas = cache.get(limits);
  if (schemas === undefined) {
    schemas = buildSchemas(checkLimits(limits));
    cache.set(limits, schemas);
  }
  return schemas;
}

/** The schemas under the default limits (also the source of the inferred types below). */
export const defaultSchemas: Schemas = schemasFor(DEFAULT_LIMITS);

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A signed envelope, decoded (byte fields as Uint8Array). */
export type Envelope = z.output<Schemas['envelopeSchema']>;
/** The envelope of one kind. */
export type EnvelopeOf<K extends Kind> = Extract<Envelope, { kind: K }>;
/** What `seal` takes: an envelope without version and signature (seal adds both). */
export type UnsignedEnvelope = DistributiveOmit<Envelope, 'version' | 'signature'>;
/** The unsigned envelope of one kind. */
export type UnsignedEnvelopeOf<K extends Kind> = Extract<UnsignedEnvelope, { kind: K }>;
/** The payload of one kind. */
export type PayloadOf<K extends Kind> = z.output<Schemas['payloads'][K]>;

/**
 * A signed envelope in its JSON form (byte fields as lowercase hex strings): exactly what
 * `JSON.parse` gives for sealed bytes, and what `open` returns as `json`.
 */
export type EnvelopeJson = z.input<Schemas['envelopeSchema']>;
/** The JSON-form envelope of one kind. */
export type EnvelopeJsonOf<K extends Kind> = Extract<EnvelopeJson, { kind: K }>;
/** What `sealJson` takes: a JSON-form envelope without version and signature. */
export type UnsignedEnvelopeJson = DistributiveOmit<EnvelopeJson, 'version' | 'signature'>;
/** The unsigned JSON-form envelope of one kind. */
export type UnsignedEnvelopeJsonOf<K extends Kind> = Extract<UnsignedEnvelopeJson, { kind: K }>;
/** The JSON-form payload of one kind. */
export type PayloadJsonOf<K extends Kind> = z.input<Schemas['payloads'][K]>;

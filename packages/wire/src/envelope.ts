import { z } from 'zod';
import { bytes32, id, signature64, uint32, xOnlyKey } from './codecs.ts';
import { dkgPayloads } from './dkg.ts';
import { KIND_TABLE, KINDS, type Kind } from './kinds.ts';
import { checkLimits, DEFAULT_LIMITS, type Limits } from './limits.ts';
import { setupPayloads } from './setup.ts';
import { signingPayloads } from './signing.ts';
import { stacksCosignPayloads } from './stacks-cosign.ts';

/** The protocol version this package speaks. A change to any golden fixture bumps it. */
export const PROTOCOL_VERSION = 2;

/** The sender: its party id and the BIP340 x-only key that signs the envelope. */
export const senderSchema = z.strictObject({ partyId: id, publicKey: xOnlyKey });

/** The sender's view of the Bitcoin chain tip: burn height and block hash (RPC display order). */
export const chainTipSchema = z.strictObject({ height: uint32, hash: bytes32 });

// Session ids are counters starting at 1 (like every id, never 0); "older" is "smaller".
const IDS = {
  none: {},
  dkg: { dkgId: id },
  sign: { dkgId: id, signId: id, iteration: id },
} as const;

/** An envelope without its signature: what `seal` signs (plus the version it adds). */
function unsignedEnvelope<K extends Kind, I extends z.core.$ZodLooseShape, P extends z.ZodType>(
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
  });
}

function envelope<K extends Kind, I extends z.core.$ZodLooseShape, P extends z.ZodType>(
  kind: K,
  ids: I,
  payload: P,
) {
  return z.strictObject({ ...unsignedEnvelope(kind, ids, payload).shape, signature: signature64 });
}

type Payloads = ReturnType<typeof setupPayloads> &
  ReturnType<typeof dkgPayloads> &
  ReturnType<typeof signingPayloads> &
  ReturnType<typeof stacksCosignPayloads>;
type IdsOf<K extends Kind> = (typeof IDS)[(typeof KIND_TABLE)[K]['ids']];
type PayloadSchema<K extends Kind> = Extract<Payloads[K], z.ZodType>;
/** The envelope schema of each kind, signed and unsigned (ids from `KIND_TABLE`). */
type Envelopes = { [K in Kind]: ReturnType<typeof envelope<K, IdsOf<K>, PayloadSchema<K>>> };
type Unsigned = {
  [K in Kind]: ReturnType<typeof unsignedEnvelope<K, IdsOf<K>, PayloadSchema<K>>>;
};
type Union<T> = [T, ...T[]];

/** Every schema of the protocol for one limits object: payloads, envelopes, and their union. */
export function buildSchemas(limits: Limits) {
  const p: Payloads = {
    ...setupPayloads(limits),
    ...dkgPayloads(limits),
    ...signingPayloads(limits),
    ...stacksCosignPayloads(limits),
  };
  const envelopes = Object.fromEntries(
    KINDS.map((k) => [k, envelope(k, IDS[KIND_TABLE[k].ids], p[k])]),
  ) as unknown as Envelopes;
  const unsigned = KINDS.map((k) => unsignedEnvelope(k, IDS[KIND_TABLE[k].ids], p[k]));
  const envelopeSchema = z.discriminatedUnion(
    'kind',
    KINDS.map((k) => envelopes[k]) as Union<Envelopes[Kind]>,
  );
  const unsignedEnvelopeSchema = z.discriminatedUnion(
    'kind',
    unsigned as unknown as Union<Unsigned[Kind]>,
  );
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

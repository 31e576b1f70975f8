import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';

// The relay's HTTP API v1: request and response bodies, the error body, and the request
// authentication preimage. Signers, the coordinator and the relay share these, so a change here is
// an API change (see docs/relay.md).

/** A federation member's inbox name: its party id (signers use their decimal id). */
export const PartyId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'party id: 1-64 characters of [A-Za-z0-9_-]');
export type PartyId = z.infer<typeof PartyId>;

/** Sender-chosen message id; idempotency is keyed by (sender, id). */
export const MessageId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'message id: 1-128 characters of [A-Za-z0-9_-]');
export type MessageId = z.infer<typeof MessageId>;

/** Lowercase hex of a non-empty byte string (the sealed envelope, opaque to the relay). */
export const EnvelopeHex = z
  .string()
  .regex(/^(?:[0-9a-f]{2})+$/, 'envelope: non-empty lowercase hex with an even length');

/** A relay sequence number: the per-federation order of stored messages (cursor values). */
export const Seq = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Recipients: one or several parties, or `all` (every member except the sender). */
export const Recipients = z.union([z.literal('all'), z.array(PartyId).min(1).max(1024)]);
export type Recipients = z.infer<typeof Recipients>;

/** POST /v1/messages */
export const PostMessageRequest = z.strictObject({
  id: MessageId,
  to: Recipients,
  envelope: EnvelopeHex,
});
export type PostMessageRequest = z.infer<typeof PostMessageRequest>;

/** 200 answer to POST /v1/messages; a retry with the same id and bytes gets the same recipients. */
export const PostMessageResponse = z.strictObject({
  id: MessageId,
  recipients: z.array(PartyId),
  duplicate: z.boolean(),
});
export type PostMessageResponse = z.infer<typeof PostMessageResponse>;

/** One message of an inbox. */
export const InboxMessage = z.strictObject({
  seq: Seq,
  id: MessageId,
  from: PartyId,
  receivedAt: z.int().min(0),
  envelope: EnvelopeHex,
});
export type InboxMessage = z.infer<typeof InboxMessage>;

// A query-string integer: plain decimal digits only. Number() alone would read `after=` as 0
// (silently the start of the inbox instead of the cursor), and accept `0x10`, `1e3`, ` 5`.
const QueryInt = z
  .string()
  .regex(/^(?:0|[1-9][0-9]{0,15})$/, 'a decimal integer')
  .transform(Number);

/** Query of GET /v1/inboxes/:party/messages (`after` defaults to the acknowledged cursor). */
export const ReadInboxQuery = z.strictObject({
  after: QueryInt.pipe(Seq).optional(),
  limit: QueryInt.pipe(z.int().min(1).max(1000)).default(100),
  wait: QueryInt.pipe(z.int().min(0).max(30_000)).default(0),
});
export type ReadInboxQuery = z.infer<typeof ReadInboxQuery>;

/** Path parameters of the inbox routes. */
export const InboxParams = z.strictObject({ party: PartyId });

/** Answer of GET /v1/inboxes/:party/messages. `next` is the `after` of the following read. */
export const ReadInboxResponse = z.strictObject({
  messages: z.array(InboxMessage),
  cursor: Seq,
  next: Seq,
});
export type ReadInboxResponse = z.infer<typeof ReadInboxResponse>;

/** POST /v1/inboxes/:party/ack: everything up to and including `cursor` is consumed. */
export const AckRequest = z.strictObject({ cursor: Seq });
export type AckRequest = z.infer<typeof AckRequest>;

/** Answer of an ack: the cursor now stored (it never moves backwards). */
export const AckResponse = z.strictObject({ cursor: Seq });
export type AckResponse = z.infer<typeof AckResponse>;

/** GET /v1/inboxes/:party */
export const InboxStatus = z.strictObject({
  party: PartyId,
  cursor: Seq,
  depth: z.int().min(0),
});
export type InboxStatus = z.infer<typeof InboxStatus>;

/** Answer of POST /v1/auth/token: a bearer token for `Authorization: Bearer <token>`. */
export const TokenResponse = z.strictObject({
  token: z.string().min(1),
  party: PartyId,
  expiresAt: z.int().min(0),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** Answer of POST /v1/admin/members/reload. */
export const ReloadMembersResponse = z.strictObject({
  federation: z.string(),
  members: z.int().min(0),
});
export type ReloadMembersResponse = z.infer<typeof ReloadMembersResponse>;

/** One party's current key announcement, as the relay accepted it (chain-membership mode). */
export const PartyAnnouncement = z.strictObject({
  /** The protocol party id it was signed for (decimal, the envelope's `sender.partyId`). */
  party: PartyId,
  sequence: z.int().min(1).max(0xffff_ffff),
  /** The `key-announcement` envelope's exact bytes, lowercase hex: re-verify them with `open`. */
  envelope: EnvelopeHex,
});
export type PartyAnnouncement = z.infer<typeof PartyAnnouncement>;

/** Answer of GET /v1/announcements: every party's current announcement, by party id. */
export const AnnouncementsResponse = z.strictObject({
  announcements: z.array(PartyAnnouncement).max(65_535),
});
export type AnnouncementsResponse = z.infer<typeof AnnouncementsResponse>;

/** GET /healthz */
export const HealthResponse = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  store: z.string(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** Machine-readable error codes of the relay. */
export const RelayErrorCode = z.enum([
  'invalid-request',
  'unauthenticated',
  'forbidden',
  'not-found',
  'request-timeout',
  'conflict',
  'payload-too-large',
  'headers-too-large',
  'unsupported-media-type',
  'rate-limited',
  'unavailable',
  'internal',
]);
export type RelayErrorCode = z.infer<typeof RelayErrorCode>;

/** Every 4xx/5xx body. `issues` lists schema problems of a 400. */
export const RelayError = z.strictObject({
  error: RelayErrorCode,
  message: z.string(),
  issues: z
    .array(
      z.strictObject({
        path: z.array(z.union([z.string(), z.number()])),
        message: z.string(),
      }),
    )
    .optional(),
});
export type RelayError = z.infer<typeof RelayError>;

// ---- Request authentication (scheme `PEG-BIP340`, see docs/relay.md) ----

/** Authorization scheme of a signed request. */
export const RELAY_AUTH_SCHEME = 'PEG-BIP340';
/** BIP340 tag of the signed request digest. */
export const RELAY_AUTH_TAG = 'peg/relay/request/v1';

/** The fields a member signs; `bodySha256` is the hex SHA-256 of the exact body bytes. */
export type RelayAuthFields = {
  federation: string;
  method: string;
  /** The request target exactly as sent: path plus `?query` if any. */
  pathAndQuery: string;
  bodySha256: string;
  /** Unix milliseconds. */
  timestamp: number;
  /** 16 random bytes, lowercase hex. */
  nonce: string;
  party: string;
};

/** BIP340 tagged hash: SHA256(SHA256(tag) || SHA256(tag) || msg) (noble's, as digest.ts uses). */
export function taggedHash(tag: string, msg: Uint8Array): Uint8Array {
  return schnorr.utils.taggedHash(tag, msg);
}

/** The 32-byte digest a member signs with BIP340 for one request. */
export function relayAuthDigest(f: RelayAuthFields): Uint8Array {
  // Newline-joined: none of the fields may contain a newline (checked by the header schema and
  // by HTTP itself for the method and request target).
  const preimage = [
    f.federation,
    f.method.toUpperCase(),
    f.pathAndQuery,
    f.bodySha256,
    String(f.timestamp),
    f.nonce,
    f.party,
  ].join('\n');
  return taggedHash(RELAY_AUTH_TAG, utf8ToBytes(preimage));
}

/** Hex SHA-256 of a request body (empty body: hash of zero bytes). */
export function bodySha256Hex(body: Uint8Array): string {
  return bytesToHex(sha256(body));
}

/** The parsed `Authorization: PEG-BIP340 party=..,ts=..,nonce=..,sig=..` header. */
export const RelayAuthHeader = z.strictObject({
  party: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  timestamp: Seq,
  nonce: z.string().regex(/^[0-9a-f]{32}$/),
  sig: z.string().regex(/^[0-9a-f]{128}$/),
});
export type RelayAuthHeader = z.infer<typeof RelayAuthHeader>;

const HEADER_RE =
  /^PEG-BIP340 party=([A-Za-z0-9_-]{1,64}),ts=([0-9]{1,16}),nonce=([0-9a-f]{32}),sig=([0-9a-f]{128})$/;

/** Formats the Authorization header value of a signed request. */
export function formatRelayAuthHeader(h: RelayAuthHeader): string {
  return `${RELAY_AUTH_SCHEME} party=${h.party},ts=${h.timestamp},nonce=${h.nonce},sig=${h.sig}`;
}

/** Parses an Authorization header value; undefined when it is not a well-formed PEG-BIP340 one. */
export function parseRelayAuthHeader(value: string): RelayAuthHeader | undefined {
  const m = HEADER_RE.exec(value);
  if (!m) return undefined;
  const parsed = RelayAuthHeader.safeParse({
    party: m[1],
    timestamp: Number(m[2]),
    nonce: m[3],
    sig: m[4],
  });
  return parsed.success ? parsed.data : undefined;
}

/** What a client needs to sign one request. `nonce` defaults to 16 random bytes. */
export type SignRelayRequestInput = Omit<RelayAuthFields, 'bodySha256' | 'nonce'> & {
  body: Uint8Array;
  nonce?: string;
};

/** Signs one request with a member's 32-byte secret key; returns the Authorization header value. */
export function signRelayRequest(secretKey: Uint8Array, input: SignRelayRequestInput): string {
  const nonce = input.nonce ?? bytesToHex(randomBytes(16));
  const digest = relayAuthDigest({
    federation: input.federation,
    method: input.method,
    pathAndQuery: input.pathAndQuery,
    bodySha256: bodySha256Hex(input.body),
    timestamp: input.timestamp,
    nonce,
    party: input.party,
  });
  const sig = bytesToHex(schnorr.sign(digest, secretKey));
  return formatRelayAuthHeader({ party: input.party, timestamp: input.timestamp, nonce, sig });
}

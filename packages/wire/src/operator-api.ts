import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { isCompressedPointHex, isCurveX } from './curve.ts';
import { taprootOutputKey } from './taproot.ts';

// The parts the two operator-facing HTTP APIs (Signer API, Coordinator API) share: keys of the
// federation, connectivity to the relay and the chains, round summaries, health, live events.
// One process, one operator: these are not federation channels. Every schema is strict, so a
// server cannot add a field (a secret) without a wire change.

/** `bytes` bytes of lowercase hex. */
export const hexString = (bytes: number, what: string): z.ZodString =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${what}: ${bytes} bytes of lowercase hex`);

/** A party id or key id (uint32 >= 1). */
export const ApiId: z.ZodInt = z.int().min(1).max(0xffff_ffff);
/** Milliseconds since the Unix epoch. */
export const Millis: z.ZodInt = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
/** An x-only BIP340 key, checked on the curve. */
export const XOnlyKeyHex = hexString(32, 'x-only key').refine(
  isCurveX,
  'not an x coordinate on secp256k1',
);
/** A 33-byte compressed point, checked on the curve. */
export const PointHex = z
  .string()
  .refine(isCompressedPointHex, 'expected a 33-byte compressed point on secp256k1');

/** A P2TR (witness v1, bech32m) address on mainnet, testnet/signet or regtest. */
export const TaprootAddress = z
  .string()
  .regex(
    /^(?:bc|tb|bcrt)1p[qpzry9x8gf2tvdw0s3jn54khce6mua7l]{58}$/,
    'a P2TR address (bc1p…, tb1p…, bcrt1p…)',
  );

/**
 * The federation key a process works with: the DKG's aggregate key, its BIP341 key-path output
 * key (no script tree) and that key's P2TR address, the peg wallet. The output key must be the
 * aggregate key's (checked), so a status cannot show a wallet the key does not control.
 */
export const FederationKey = z
  .strictObject({
    dkgId: ApiId,
    /** 33-byte compressed group key (FROST signatures with no tweak verify under its x). */
    aggregateKey: PointHex,
    /** x(Q), Q = P + TapTweak(x(P))·G (BIP341, key path only). */
    outputKey: XOnlyKeyHex,
    address: TaprootAddress,
    /** Key ids needed to sign. */
    threshold: ApiId,
    /** Key ids in the layout of this key. */
    totalKeyIds: ApiId,
  })
  .refine((k) => k.threshold <= k.totalKeyIds, {
    message: 'threshold exceeds the number of key ids',
    path: ['threshold'],
  })
  .refine(
    (k) => {
      if (!isCompressedPointHex(k.aggregateKey)) return false;
      const q = taprootOutputKey(hexToBytes(k.aggregateKey));
      return q !== null && bytesToHex(q) === k.outputKey;
    },
    { message: "outputKey is not the aggregate key's BIP341 output key", path: ['outputKey'] },
  );
export type FederationKey = z.infer<typeof FederationKey>;

/** An http(s) URL without credentials (bitcoind URLs often carry them: never show those). */
export const EndpointUrl = z
  .string()
  .max(2048)
  .refine((u) => {
    if (!URL.canParse(u)) return false;
    const url = new URL(u);
    return (
      (url.protocol === 'http:' || url.protocol === 'https:') &&
      url.username === '' &&
      url.password === ''
    );
  }, 'an http(s) URL without user or password');

/** The relay as this process sees it. */
export const RelayConnectivity = z.strictObject({
  url: EndpointUrl,
  /** The last request succeeded (authenticated, answered). */
  connected: z.boolean(),
  /** When a request last succeeded; null if never. */
  lastOkAt: Millis.nullable(),
});
export type RelayConnectivity = z.infer<typeof RelayConnectivity>;

/** A chain node as this process sees it: its tip and when it last answered. */
export const ChainConnectivity = z.strictObject({
  url: EndpointUrl,
  connected: z.boolean(),
  /** Bitcoin: block height and hash (RPC display order); Stacks: block height and hash. */
  tip: z.strictObject({ height: z.int().min(0), hash: hexString(32, 'block hash') }).nullable(),
  lastOkAt: Millis.nullable(),
});
export type ChainConnectivity = z.infer<typeof ChainConnectivity>;

/** A party left out of a round, and why (a protocol `ExclusionReason`, e.g. `silent`). */
export const PartyReason = z.strictObject({
  partyId: ApiId,
  reason: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'reason: a kebab-case word'),
});
export type PartyReason = z.infer<typeof PartyReason>;

const MAX_PARTIES = 4000;
const PartyIds = z.array(ApiId).max(MAX_PARTIES);

/** Where a round stands: running, or how it ended. */
export const RoundOutcome = z.enum(['running', 'succeeded', 'failed']);
export type RoundOutcome = z.infer<typeof RoundOutcome>;

/** What every round summary has: timing, who took part, who was left out or blamed. */
const roundShape = {
  outcome: RoundOutcome,
  /** Why it failed (e.g. `insufficient-signers`), or a refusal reason; null otherwise. */
  detail: z.string().max(280).nullable(),
  startedAt: Millis,
  /** Null while running. */
  endedAt: Millis.nullable(),
  /** endedAt - startedAt on a monotonic clock; null while running. */
  durationMs: z.int().min(0).max(Number.MAX_SAFE_INTEGER).nullable(),
  /** Attempts (DKG retries, signing iterations) so far, >= 1. */
  attempts: z.int().min(1).max(0xffff_ffff),
  /** Parties whose contribution the round used (the signing set, the new key's holders). */
  participants: PartyIds,
  /** Parties left out, for any reason (silence included). */
  excluded: z.array(PartyReason).max(MAX_PARTIES),
  /** Parties proven to misbehave (a subset of `excluded`, with proof in the protocol). */
  blamed: z.array(PartyReason).max(MAX_PARTIES),
};

type RoundTiming = {
  outcome: RoundOutcome;
  startedAt: number;
  endedAt: number | null;
  durationMs: number | null;
};
const timingConsistent = (r: RoundTiming): boolean =>
  (r.outcome === 'running') === (r.endedAt === null) &&
  (r.endedAt === null) === (r.durationMs === null) &&
  (r.endedAt === null || r.endedAt >= r.startedAt);
const TIMING = {
  message: 'a running round has no end; an ended one has endedAt >= startedAt and a duration',
  path: ['endedAt'],
};

/** One DKG: `dkgId`, and the key it produced once it succeeded. */
export const DkgRoundSummary = z
  .strictObject({
    dkgId: ApiId,
    ...roundShape,
    aggregateKey: PointHex.nullable(),
  })
  .refine(timingConsistent, TIMING);
export type DkgRoundSummary = z.infer<typeof DkgRoundSummary>;

/** One signing round: a `signId` under the key of `dkgId`, over `messages` messages. */
export const SigningRoundSummary = z
  .strictObject({
    signId: ApiId,
    dkgId: ApiId,
    ...roundShape,
    /** Messages signed in the round (one per transaction input). */
    messages: z.int().min(0).max(0xffff),
    /** The withdrawal requests the round pays out (empty for a key-verification round). */
    withdrawalRequestIds: z.array(z.int().min(1).max(Number.MAX_SAFE_INTEGER)).max(10_000),
  })
  .refine(timingConsistent, TIMING);
export type SigningRoundSummary = z.infer<typeof SigningRoundSummary>;

/** The newest round of each kind, as a status shows them (null: none yet). */
export const LastRounds = z.strictObject({
  dkg: DkgRoundSummary.nullable(),
  signing: SigningRoundSummary.nullable(),
});
export type LastRounds = z.infer<typeof LastRounds>;

/** Query of GET /v1/rounds: the newest `limit` rounds of each kind. */
export const RoundsQuery = z.strictObject({
  limit: z.coerce.number().pipe(z.int().min(1).max(500)).default(50),
});
export type RoundsQuery = z.infer<typeof RoundsQuery>;

/** Answer of GET /v1/rounds: newest first. */
export const RoundsResponse = z.strictObject({
  dkg: z.array(DkgRoundSummary).max(500),
  signing: z.array(SigningRoundSummary).max(500),
});
export type RoundsResponse = z.infer<typeof RoundsResponse>;

/** GET /health: 200 with `ok` when the process is ready, 503 with `unavailable` and why. */
export const ProcessHealth = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  /** What is not ready (e.g. `relay unreachable`); absent when ok. */
  reason: z.string().max(280).optional(),
  uptimeSeconds: z.int().min(0),
});
export type ProcessHealth = z.infer<typeof ProcessHealth>;

/** The events both processes stream at GET /v1/events (SSE `event:` = `type`). */
export const OPERATOR_EVENTS = [
  /** A DKG started, progressed or ended (the summary as it now stands). */
  z.strictObject({ type: z.literal('dkg-round'), round: DkgRoundSummary }),
  z.strictObject({ type: z.literal('signing-round'), round: SigningRoundSummary }),
  /** A new federation key is in use. */
  z.strictObject({ type: z.literal('key'), key: FederationKey }),
  /** The active coordinator changed (null: none known). */
  z.strictObject({ type: z.literal('coordinator'), active: ApiId.nullable() }),
  /** The relay or a chain node became reachable or unreachable. */
  z.strictObject({
    type: z.literal('connectivity'),
    target: z.enum(['relay', 'bitcoin', 'stacks']),
    connected: z.boolean(),
  }),
] as const;

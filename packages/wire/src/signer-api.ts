import { z } from 'zod';
import {
  ApiId,
  ChainConnectivity,
  FederationKey,
  LastRounds,
  Millis,
  OPERATOR_EVENTS,
  PointHex,
  RelayConnectivity,
  XOnlyKeyHex,
} from './operator-api.ts';

// The Signer API v1: the HTTP bodies a signer serves to its operator (CLI, the web dashboard's
// status and manual-review pages); the parts it shares with the Coordinator API are in
// operator-api.ts. One signer, one operator: this is not a federation channel.
// The original signer API returned the signer's secret key from `GET /v1/config`; nothing here
// has a field that could carry a secret, and the schemas are strict, so a server cannot add one
// without a wire change.

/** An amount of satoshis (sBTC uses the same unit); safe integers cover 21M BTC. */
export const Sats = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * A Bitcoin recipient as the withdrawal contract stores it: version 0-4 take 20 hash bytes
 * (p2pkh, p2sh, p2sh-p2wpkh, p2sh-p2wsh, p2wpkh), 5-6 take 32 (p2wsh, p2tr). The versions are
 * owned by `@peg/bitcoin`, which wire must not import; its test/recipient-versions.test.ts pins
 * this schema to the same rule.
 */
export const Recipient = z
  .strictObject({
    version: z.int().min(0).max(6),
    hashbytes: z
      .string()
      .regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/, 'hashbytes: 20 or 32 bytes of hex'),
  })
  .refine((r) => r.hashbytes.length === (r.version <= 4 ? 40 : 64), {
    message: 'hashbytes length does not match the address version (0-4: 20 bytes, 5-6: 32)',
    path: ['hashbytes'],
  });
export type Recipient = z.infer<typeof Recipient>;

/** GET /v1/status: who this signer is, the key it holds a share of, what it can reach. */
export const SignerStatus = z.strictObject({
  version: z.string().max(64),
  partyId: ApiId,
  /** This signer's key ids (its weight), ascending. */
  keyIds: z.array(ApiId).max(4000),
  /** The messaging key: seals envelopes, authenticates to the relay (rotatable). */
  messagingKey: XOnlyKeyHex,
  /** The Stacks key registered on chain (`register-signer-key`), compressed. */
  stacksKey: PointHex,
  /** The federation key this signer holds a share of; null before the first DKG. */
  key: FederationKey.nullable(),
  /** The active coordinator for the current Bitcoin tip; null when not known yet. */
  activeCoordinator: ApiId.nullable(),
  relay: RelayConnectivity,
  bitcoin: ChainConnectivity,
  stacks: ChainConnectivity,
  lastRounds: LastRounds,
  pendingReviews: z.int().min(0),
});
export type SignerStatus = z.infer<typeof SignerStatus>;

/** Which federation key a signature is checked against. */
export const VerifyKey = z.enum(['aggregate', 'output']);
export type VerifyKey = z.infer<typeof VerifyKey>;

/**
 * POST /v1/verify: is `signature` a BIP340 signature of `message` under the federation key?
 * `aggregate`: the x-only aggregate key (untweaked FROST signatures, the DKG verification
 * round); `output`: its BIP341 key-path output key (peg wallet spends).
 */
export const VerifyRequest = z.strictObject({
  key: VerifyKey,
  /** The signed message as hex (a sighash is 32 bytes; BIP340 allows any length). */
  message: z
    .string()
    .max(2 * 4096)
    .regex(/^(?:[0-9a-f]{2})*$/, 'message: lowercase hex, at most 4096 bytes'),
  signature: z.string().regex(/^[0-9a-f]{128}$/, 'signature: 64 bytes of lowercase hex'),
});
export type VerifyRequest = z.infer<typeof VerifyRequest>;

/** Answer of POST /v1/verify: the verdict and the x-only key it was checked against. */
export const VerifyResponse = z.strictObject({
  valid: z.boolean(),
  key: VerifyKey,
  publicKey: XOnlyKeyHex,
  dkgId: ApiId,
});
export type VerifyResponse = z.infer<typeof VerifyResponse>;

/** A message this signer refused, and why (a protocol `RefusalReason`). */
const Refusal = z.strictObject({
  type: z.literal('refused'),
  reason: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'reason: a kebab-case word'),
  signId: ApiId.optional(),
  iteration: ApiId.optional(),
  from: ApiId.optional(),
  detail: z.string().max(280).optional(),
});

/** A sweep this signer was asked to sign, and its answer (GET /v1/decisions, SSE). */
export const SweepDecision = z.strictObject({
  /** Order of the decision at this signer (1, 2, ...). */
  seq: z.int().min(1),
  at: z.int().min(0),
  signId: z.int().min(0),
  /** The sweep's txid when it could be rebuilt; null when refused before that. */
  txid: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  requestIds: z.array(z.string().regex(/^(?:0|[1-9][0-9]{0,19})$/)),
  approved: z.boolean(),
  /** Why not (a kebab-case word: a sweep check or `policy-reject` / `-review` / `-wait`). */
  reason: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,63}$/)
    .nullable(),
  /** Numbers, ids and rule names behind the reason; null when approved. */
  detail: z.string().max(2_000).nullable(),
});
export type SweepDecision = z.infer<typeof SweepDecision>;

/** The circuit breaker of the signer's policy: closed, or tripped since `at` and why. */
export const BreakerStatus = z.discriminatedUnion('tripped', [
  z.strictObject({ tripped: z.literal(false) }),
  z.strictObject({
    tripped: z.literal(true),
    at: z.int().min(0),
    reason: z.string().max(500),
    rule: z.enum(['wallet-outflow', 'signer-set-change']),
  }),
]);
export type BreakerStatus = z.infer<typeof BreakerStatus>;

/** Query of GET /v1/decisions. */
export const DecisionsQuery = z.strictObject({
  limit: z.coerce.number().pipe(z.int().min(1).max(1_000)).default(100),
});
export type DecisionsQuery = z.infer<typeof DecisionsQuery>;

/** GET /v1/decisions: the newest decisions first, and the breaker. */
export const DecisionsResponse = z.strictObject({
  decisions: z.array(SweepDecision),
  breaker: BreakerStatus,
});
export type DecisionsResponse = z.infer<typeof DecisionsResponse>;

// GET and PUT /v1/policy carry the operator's policy file: `signerPolicyFile`
// (signer-policy.ts), the one definition of a policy.

/** Where a withdrawal request stands at this signer. */
export const ReviewStatus = z.enum(['pending', 'accepted', 'rejected']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

/** The sweep a reviewed request would be paid by, decoded for a human. */
export const ReviewSweep = z.strictObject({
  txid: z.string().regex(/^[0-9a-f]{64}$/),
  inputs: z.array(z.strictObject({ outpoint: z.string().max(80), amount: Sats })).max(500),
  outputs: z
    .array(
      z.strictObject({
        kind: z.enum(['change', 'op-return', 'withdrawal']),
        /** The output's address; null for the OP_RETURN. */
        address: z.string().max(100).nullable(),
        amount: Sats,
        /** For a withdrawal: the request it pays. */
        requestId: z.int().min(1).max(Number.MAX_SAFE_INTEGER).nullable(),
      }),
    )
    .max(1_100),
  fee: Sats,
  /** sat/vB, as the transaction pays it. */
  feeRate: z.number().min(0),
  /** The request ids its OP_RETURN names. */
  ids: z.array(z.int().min(1).max(Number.MAX_SAFE_INTEGER)).max(1_000),
});
export type ReviewSweep = z.infer<typeof ReviewSweep>;

/** One withdrawal request as this signer reviews it. */
export const WithdrawalReview = z
  .strictObject({
    requestId: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
    amount: Sats,
    maxFee: Sats,
    recipient: Recipient,
    /** The Stacks principal that made the request. */
    sender: z
      .string()
      .regex(/^S[A-Z0-9]{38,40}(?:\.[a-zA-Z][a-zA-Z0-9-]{0,39})?$/, 'sender: a Stacks principal'),
    /** Stacks block height of the request. */
    blockHeight: z.int().min(0),
    status: ReviewStatus,
    /**
     * Who decided: this signer's policy, its operator, or the deadline (no decision in time:
     * rejected); null while pending.
     */
    decidedBy: z.enum(['policy', 'operator', 'deadline']).nullable(),
    reason: z.string().max(280).nullable(),
    decidedAt: Millis.nullable(),
    /** The recipient as a Bitcoin address of the federation's network. */
    recipientAddress: z.string().max(100),
    /** Bitcoin blocks on top of the request when it was last evaluated. */
    confirmations: z.int().min(0),
    /** When it came up for review, and when no decision means reject (unix ms). */
    createdAt: Millis,
    deadline: Millis,
    /** The rules that did not approve it, with their details. */
    rules: z
      .array(z.strictObject({ rule: z.string().max(64), detail: z.string().max(500) }))
      .max(16),
    /** The sweep it would be part of, as last proposed. */
    sweep: ReviewSweep.nullable(),
  })
  .refine((r) => (r.status === 'pending') === (r.decidedBy === null && r.decidedAt === null), {
    message: 'a pending review has no decision; a decided one says who and when',
    path: ['decidedBy'],
  });
export type WithdrawalReview = z.infer<typeof WithdrawalReview>;

/** Query of GET /v1/withdrawals: newest last, `after` a request id. */
export const ListWithdrawalsQuery = z.strictObject({
  status: ReviewStatus.optional(),
  after: z.coerce.number().pipe(z.int().min(0).max(Number.MAX_SAFE_INTEGER)).optional(),
  limit: z.coerce.number().pipe(z.int().min(1).max(500)).default(50),
});
export type ListWithdrawalsQuery = z.infer<typeof ListWithdrawalsQuery>;

/** Answer of GET /v1/withdrawals; `next` is the `after` of the following page, null at the end. */
export const ListWithdrawalsResponse = z.strictObject({
  items: z.array(WithdrawalReview).max(500),
  next: z.int().min(0).nullable(),
});
export type ListWithdrawalsResponse = z.infer<typeof ListWithdrawalsResponse>;

/** POST /v1/withdrawals/:requestId/decision: the operator's decision on a pending request. */
export const ReviewDecision = z.strictObject({
  decision: z.enum(['accept', 'reject']),
  reason: z.string().min(1).max(280).optional(),
});
export type ReviewDecision = z.infer<typeof ReviewDecision>;

/**
 * The signer's receipt of a decision: BIP340 signature by its messaging key over
 * SHA-256(`message`), `message` being the canonical JSON of {signer, requestId, decision,
 * reason, decidedAt}: proof, for the operator's records, of what this signer recorded.
 */
export const ReviewReceipt = z.strictObject({
  message: z.string().max(1_000),
  publicKey: z.string().regex(/^[0-9a-f]{64}$/),
  signature: z.string().regex(/^[0-9a-f]{128}$/),
});
export type ReviewReceipt = z.infer<typeof ReviewReceipt>;

/** Answer of POST /v1/withdrawals/:requestId/decision. */
export const ReviewDecisionResponse = z.strictObject({
  review: WithdrawalReview,
  receipt: ReviewReceipt,
});
export type ReviewDecisionResponse = z.infer<typeof ReviewDecisionResponse>;

/**
 * GET /v1/key: the public key package of the key this signer verified (its share of the
 * verification round given): the layout, the group key and every key id's verifying share. All
 * public; its own coordinator loads it from here when it did not run the DKG itself (a backup).
 */
export const SignerKeyPackage = z.strictObject({
  dkgId: ApiId,
  pub: z.strictObject({
    layout: z.strictObject({
      parties: z
        .array(z.strictObject({ id: ApiId, keyIds: z.array(ApiId).min(1).max(4000) }))
        .min(1)
        .max(4000),
      threshold: ApiId,
    }),
    groupKey: PointHex,
    verifyingShares: z.record(z.string().regex(/^[1-9][0-9]{0,9}$/, 'a key id'), PointHex),
  }),
});
export type SignerKeyPackage = z.infer<typeof SignerKeyPackage>;

/** POST /v1/messaging-key/rotate: the new messaging key, announced (the old one is refused). */
export const RotateMessagingKeyResponse = z.strictObject({ messagingKey: XOnlyKeyHex });
export type RotateMessagingKeyResponse = z.infer<typeof RotateMessagingKeyResponse>;

/** GET /v1/events: what a signer streams (SSE `event:` = `type`, `data:` = the JSON event). */
export const SignerEvent = z.discriminatedUnion('type', [
  ...OPERATOR_EVENTS,
  Refusal,
  z.strictObject({ type: z.literal('sweep-decision'), decision: SweepDecision }),
  /** A request came up for review, or its review was decided. */
  z.strictObject({ type: z.literal('review'), review: WithdrawalReview }),
]);
export type SignerEvent = z.infer<typeof SignerEvent>;

import { z } from 'zod';
import { isCompressedPointHex, isCurveX } from './curve.ts';

// The Signer API v1: the HTTP bodies a signer serves to its operator (CLI, the web dashboard's
// status and manual-review pages). One signer, one operator: this is not a federation channel.
// The original signer API returned the signer's secret key from `GET /v1/config`; nothing here
// has a field that could carry a secret, and the schemas are strict, so a server cannot add one
// without a wire change.

const hex = (bytes: number, what: string) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `${what}: ${bytes} bytes of lowercase hex`);

/** A party id or key id (uint32 >= 1). */
const Id = z.int().min(1).max(0xffff_ffff);
/** An amount of satoshis (sBTC uses the same unit); safe integers cover 21M BTC. */
export const Sats = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Milliseconds since the Unix epoch. */
const Millis = z.int().min(0).max(Number.MAX_SAFE_INTEGER);

/** An x-only BIP340 key, checked on the curve. */
const XOnlyKeyHex = hex(32, 'x-only key').refine(isCurveX, 'not an x coordinate on secp256k1');
/** A 33-byte compressed point, checked on the curve. */
const PointHex = z
  .string()
  .refine(isCompressedPointHex, 'expected a 33-byte compressed point on secp256k1');

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

/** GET /v1/status */
export const SignerStatus = z.strictObject({
  partyId: Id,
  /** The signer's messaging key (envelopes, relay requests). */
  publicKey: XOnlyKeyHex,
  keyIds: z.array(Id).max(4000),
  /** The federation key this signer holds a share of; null before the first DKG. */
  aggregateKey: PointHex.nullable(),
  /** Key ids needed to sign. */
  threshold: z.int().min(1).max(0xffff_ffff).nullable(),
  chainTip: z.strictObject({ burnHeight: z.int().min(0), burnHash: hex(32, 'burn hash') }),
  /** Current DKG id, null before the first DKG. */
  dkgId: Id.nullable(),
  pendingReviews: z.int().min(0),
  version: z.string().max(64),
});
export type SignerStatus = z.infer<typeof SignerStatus>;

/**
 * GET and PUT /v1/policy: what the signer decides alone and what waits for its operator.
 * A request above `autoApproveMaxAmount`, or any request when `manualReview` is on, waits for a
 * decision; a recipient in `autoRejectRecipients` is rejected without asking.
 */
export const SignerPolicy = z.strictObject({
  autoApproveMaxAmount: Sats,
  autoRejectRecipients: z.array(Recipient).max(10_000),
  manualReview: z.boolean(),
  /** The highest fee rate (sat/vB) the signer signs a sweep at. */
  maxFeeRate: z.int().min(1).max(100_000),
});
export type SignerPolicy = z.infer<typeof SignerPolicy>;

/** Where a withdrawal request stands at this signer. */
export const ReviewStatus = z.enum(['pending', 'accepted', 'rejected']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

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
    /** Who decided: this signer's policy or its operator; null while pending. */
    decidedBy: z.enum(['policy', 'operator']).nullable(),
    reason: z.string().max(280).nullable(),
    decidedAt: Millis.nullable(),
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

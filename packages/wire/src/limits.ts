import { z } from 'zod';

/**
 * The federation's size limits, in ONE object: every list bound and byte bound that the decoder
 * enforces comes from here. Decoding checks a list's length before it looks at its elements, so
 * an oversize list costs O(1) to reject (attacks-and-faults row 14).
 */
export type Limits = Readonly<{
  /** Most parties (signers, plus coordinator processes) in one federation. */
  maxParties: number;
  /** Most key ids in one federation (weighted signers own several; WSTS allows 4000). */
  maxKeyIds: number;
  /** Most messages (sighashes, one per transaction input) signed in one round. */
  maxMessagesPerRound: number;
  /** Most bytes of one encoded envelope; checked first, before parsing. */
  maxBytes: number;
  /** Most bytes of one encrypted DKG share (format: @peg/frost docs/protocol/crypto.md). */
  maxCiphertextBytes: number;
  /** Most bytes of the unsigned transaction carried as rebuild data. */
  maxTransactionBytes: number;
  /** Most withdrawal request ids carried as rebuild data in one round. */
  maxRequestIds: number;
  /** Most bytes of an unsigned Stacks transaction proposed for co-signing. */
  maxStacksTransactionBytes: number;
}>;

const positive = (max: number) => z.int().min(1).max(max);

/** Schema of a limits object: each bound is a positive integer below a hard ceiling. */
export const LimitsSchema = z.strictObject({
  maxParties: positive(65_535),
  maxKeyIds: positive(65_535),
  maxMessagesPerRound: positive(4_096),
  maxBytes: positive(256 * 1024 * 1024),
  maxCiphertextBytes: positive(65_536),
  maxTransactionBytes: positive(4_000_000),
  maxRequestIds: positive(65_535),
  maxStacksTransactionBytes: positive(4_000_000),
});

/**
 * Defaults sized for the largest layout we plan for (150 parties, 4000 key ids, threshold
 * 2800): a DkgPrivateShares for 4000 key ids is about 0.6 MB and a SignatureShareRequest for
 * 150 parties and 128 messages about 2.6 MB, so 4 MiB leaves room for both.
 */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxParties: 256,
  maxKeyIds: 4_096,
  maxMessagesPerRound: 128,
  maxBytes: 4 * 1024 * 1024,
  maxCiphertextBytes: 128,
  maxTransactionBytes: 100_000,
  maxRequestIds: 1_000,
  // A `complete-withdrawals` of the contract's 600 outcomes, 15 signers: 180,723 bytes.
  maxStacksTransactionBytes: 262_144,
});

/** Checks a limits object against LimitsSchema; throws TypeError naming the first bad bound. */
export function checkLimits(limits: unknown): Limits {
  const parsed = LimitsSchema.safeParse(limits);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new TypeError(`limits: "${first?.path.join('.')}" ${first?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Builds a frozen limits object from defaults plus overrides; throws TypeError on a bad bound. */
export function defineLimits(overrides: Partial<Limits> = {}): Limits {
  return Object.freeze(checkLimits({ ...DEFAULT_LIMITS, ...overrides }));
}

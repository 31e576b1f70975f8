/**
 * The peg-out settings every process of a federation must share: how deep a request must be
 * before it is swept, how deep a sweep before it is completed on Stacks, and the fee-rate
 * bounds. A coordinator uses them to build; each signer checks against its own copy, so a
 * coordinator with other settings gets refusals, never a signature.
 */
import { MAX_FEE_RATE, MIN_FEE_RATE } from '@peg/bitcoin';
import { z } from 'zod';

const feeRate = z.number().min(MIN_FEE_RATE).max(MAX_FEE_RATE);

export const PegOutConfigSchema = z
  .strictObject({
    /** Bitcoin blocks on top of a request's burn height before it is swept. */
    requestConfirmations: z.int().min(0).max(1_000).default(1),
    /** Confirmations of a sweep before its requests are completed on Stacks. */
    sweepConfirmations: z.int().min(1).max(1_000).default(1),
    /** Fee-rate floor and ceiling (sat/vB), whatever the node estimates. */
    minFeeRate: feeRate.default(1),
    maxFeeRate: feeRate.default(200),
    /**
     * A signer refuses a sweep paying more than its own estimate times this (the coordinator's
     * fee rate is never trusted: a signer recovers it from the transaction).
     */
    feeRateTolerance: z.number().min(1).max(100).default(2),
    /** `estimatesmartfee` confirmation target (blocks). */
    confTarget: z.int().min(1).max(1_008).default(2),
    /**
     * A request the signers refused on its own waits this long (ms) before the coordinator
     * proposes it again (the coordinator's only; signers ignore it).
     */
    retryRefusedMs: z.int().min(0).max(86_400_000).default(60_000),
  })
  .refine((c) => c.minFeeRate <= c.maxFeeRate, 'minFeeRate must not exceed maxFeeRate')
  .default({
    requestConfirmations: 1,
    sweepConfirmations: 1,
    minFeeRate: 1,
    maxFeeRate: 200,
    feeRateTolerance: 2,
    confTarget: 2,
    retryRefusedMs: 60_000,
  });
export type PegOutConfig = z.output<typeof PegOutConfigSchema>;

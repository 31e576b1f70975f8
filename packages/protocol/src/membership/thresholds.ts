/** The federation's thresholds, derived from its size (the integrator's rule for issue 13). */

/** Thresholds of one federation. */
export type FederationThresholds = {
  /** FROST signing threshold, in key ids: max(2, ceil(0.7 * total)). */
  threshold: number;
  /** Key ids a DKG needs: min(total, threshold + 1). */
  dkgThreshold: number;
  /** Signatures the Stacks multisig (signer principal) needs: max(floor(n/2)+1, ceil(0.7 * n)). */
  stacksThreshold: number;
};

// ceil(0.7 * n) in integers: 0.7 is not exact in binary (0.7 * 10 = 7.000000000000001).
const ceil70 = (n: number): number => Math.ceil((7 * n) / 10);

/**
 * The thresholds for `totalKeyIds` key ids held by `signerCount` signers (5 signers of weights
 * 1,1,2,3,3: 7 of 10 key ids, dkg 8, Stacks 4 of 5; 15 x 1: 11 of 15, dkg 12, Stacks 11 of 15).
 * Throws a RangeError unless 2 <= totalKeyIds and 1 <= signerCount <= totalKeyIds.
 */
export function federationThresholds(
  totalKeyIds: number,
  signerCount: number,
): FederationThresholds {
  if (!Number.isSafeInteger(totalKeyIds) || totalKeyIds < 2)
    throw new RangeError(`"totalKeyIds" expected an integer >= 2, got ${totalKeyIds}`);
  if (!Number.isSafeInteger(signerCount) || signerCount < 1 || signerCount > totalKeyIds)
    throw new RangeError(`"signerCount" expected 1..${totalKeyIds}, got ${signerCount}`);
  const threshold = Math.max(2, ceil70(totalKeyIds));
  return {
    threshold,
    dkgThreshold: Math.min(totalKeyIds, threshold + 1),
    stacksThreshold: Math.max(Math.floor(signerCount / 2) + 1, ceil70(signerCount)),
  };
}

/**
 * What a signer expects to co-sign, from its own view of the chains: the call (one of
 * @peg/stacks-client's bindings, e.g. `rotateKeysCall` with the key it verified), where the
 * contracts live, the signer principal's next nonce, the most fee it pays, and the signer set.
 * @module
 */
import type { ContractCallSpec, ResolvedOptions } from '@peg/stacks-client';
import { checkSignerSet, type SignerSet } from './signer-set.ts';

/** A signer's own view of the one call it would co-sign now. */
export type CosignExpectation = {
  /** Contract (by role), function and every argument. */
  spec: ContractCallSpec;
  /** The deployer address and each role's contract name (a Stacks client's `options.contracts`). */
  contracts: ResolvedOptions['contracts'];
  /** The signer principal's next nonce, as the signer reads it. */
  nonce: bigint;
  /** The most fee (µSTX) the signer signs for; the fee must also be above zero. */
  maxFee: bigint;
  /** The current signer principal: its keys in the registry's order, and threshold. */
  signers: SignerSet;
};

/** Checks an expectation at the boundary (a caller's bug is a TypeError/RangeError, not a refusal). */
export function checkExpectation(expected: CosignExpectation): void {
  if (typeof expected !== 'object' || expected === null)
    throw new TypeError('"expected" must be an object');
  const { spec, contracts, nonce, maxFee } = expected;
  if (
    typeof spec?.functionName !== 'string' ||
    !Array.isArray(spec.functionArgs) ||
    typeof contracts?.address !== 'string' ||
    typeof contracts[spec.contract] !== 'string'
  ) {
    throw new TypeError('"expected.spec" and "expected.contracts" must name a contract call');
  }
  if (typeof nonce !== 'bigint' || nonce < 0n)
    throw new RangeError('"expected.nonce" must be a bigint >= 0');
  if (typeof maxFee !== 'bigint' || maxFee < 1n)
    throw new RangeError('"expected.maxFee" must be a bigint >= 1');
  checkSignerSet(expected.signers, 'expected.signers');
}

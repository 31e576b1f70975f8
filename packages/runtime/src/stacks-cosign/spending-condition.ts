/**
 * Who must authorise a proposed transaction: the order-independent multisig of the signer set,
 * with no signature yet. Shared by the signer's check and the coordinator's collector.
 * @module
 */
import {
  AddressHashMode,
  AuthType,
  isSingleSig,
  type StacksTransactionWire,
} from '@stacks/transactions';
import { type SignerSet, signerSetHash } from './signer-set.ts';

/** Why the spending condition is not the unsigned multisig of `signers`, or undefined if it is. */
export function spendingConditionMismatch(
  tx: StacksTransactionWire,
  signers: SignerSet,
): { reason: 'wrong-signer-principal' | 'already-signed'; detail: string } | undefined {
  const condition = tx.auth.spendingCondition;
  if (tx.auth.authType !== AuthType.Standard)
    return { reason: 'wrong-signer-principal', detail: 'sponsored transaction' };
  // Sequential P2SH has the same address but signs a chain of hashes: the collector assembles
  // the order-independent form only (SIP-027).
  if (isSingleSig(condition) || condition.hashMode !== AddressHashMode.P2SHNonSequential) {
    return {
      reason: 'wrong-signer-principal',
      detail: `hash mode ${condition.hashMode} is not the order-independent P2SH multisig`,
    };
  }
  if (
    condition.signer !== signerSetHash(signers) ||
    condition.signaturesRequired !== signers.threshold
  ) {
    return {
      reason: 'wrong-signer-principal',
      detail: `not the ${signers.threshold}-of-${signers.publicKeys.length} multisig of the signer set`,
    };
  }
  if (condition.fields.length !== 0)
    return { reason: 'already-signed', detail: `${condition.fields.length} auth fields present` };
  return undefined;
}

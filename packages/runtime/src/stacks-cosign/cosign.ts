/**
 * A signer's signature of a proposed Stacks multisig transaction.
 * @module
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { type MultisigSignature, signMultisigCall } from '@peg/stacks-client';

/**
 * Signs the pre-sign hash of an order-independent multisig transaction with the operator's
 * Stacks key (the key it registered). It checks nothing about the transaction: call it only
 * after `checkCosignRequest` said ok, or use `answerCosignRequest`, which does both. Errors
 * never carry the key.
 */
export function cosign(txHex: string, stacksSecretKey: Uint8Array): MultisigSignature {
  if (!(stacksSecretKey instanceof Uint8Array) || stacksSecretKey.length !== 32)
    throw new TypeError('"stacksSecretKey" expected 32 bytes');
  return signMultisigCall(txHex, bytesToHex(stacksSecretKey));
}

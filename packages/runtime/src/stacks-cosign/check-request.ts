/**
 * A signer's check of a proposed Stacks multisig transaction against its own view: the only
 * gate before it signs. Pure: no I/O, no key.
 * @module
 */
import type { NetworkName } from '@peg/stacks-client';
import type { StacksCosignRefusal } from '@peg/wire';
import { networkFrom } from '@stacks/network';
import {
  AnchorMode,
  addressToString,
  PayloadType,
  PostConditionMode,
  serializeCV,
} from '@stacks/transactions';
import { decodeTransaction } from './decode.ts';
import { type CosignExpectation, checkExpectation } from './expectation.ts';
import { spendingConditionMismatch } from './spending-condition.ts';

/**
 * The outcome of a check: sign, or refuse with a reason from the wire's closed list and a
 * detail for the signer's own log (numbers and names only, never key or signature bytes).
 */
export type CosignCheck = { ok: true } | { ok: false; reason: StacksCosignRefusal; detail: string };

const refuse = (reason: StacksCosignRefusal, detail: string): CosignCheck => ({
  ok: false,
  reason,
  detail,
});

/**
 * Decodes `txHex` (an unsigned order-independent multisig contract call, lowercase hex) and
 * compares it with `expected`, field by field, in the order of `STACKS_COSIGN_REFUSALS`:
 * encoding, network, signer principal, no auth fields yet, contract, function, every argument
 * (serialized Clarity bytes), nonce, fee, post conditions, anchor mode. Everything a signature
 * covers is either compared here or fixed to the form `buildUnsignedMultisigCall` builds.
 * A bad `expected` (the caller's bug) throws TypeError/RangeError before anything is decoded.
 */
export function checkCosignRequest(
  txHex: string,
  expected: CosignExpectation,
  network: NetworkName,
): CosignCheck {
  checkExpectation(expected);
  const tx = decodeTransaction(txHex);
  if (tx === undefined) return refuse('undecodable', 'not one canonical Stacks transaction');
  const payload = tx.payload;
  if (payload.payloadType !== PayloadType.ContractCall)
    return refuse('undecodable', `payload type ${payload.payloadType} is not a contract call`);

  const net = networkFrom(network);
  if (tx.transactionVersion !== net.transactionVersion || tx.chainId !== net.chainId) {
    return refuse(
      'wrong-network',
      `version ${tx.transactionVersion} chain id ${tx.chainId}, expected ${net.transactionVersion} and ${net.chainId} (${network})`,
    );
  }

  const principal = spendingConditionMismatch(tx, expected.signers);
  if (principal !== undefined) return refuse(principal.reason, principal.detail);

  const { spec, contracts } = expected;
  const contractAddress = addressToString(payload.contractAddress);
  const contractName = payload.contractName.content;
  if (contractAddress !== contracts.address || contractName !== contracts[spec.contract]) {
    return refuse(
      'wrong-contract',
      `${contractAddress}.${contractName}, expected ${contracts.address}.${contracts[spec.contract]}`,
    );
  }
  const functionName = payload.functionName.content;
  if (functionName !== spec.functionName)
    return refuse('wrong-function', `${functionName}, expected ${spec.functionName}`);
  const args = payload.functionArgs;
  if (args.length !== spec.functionArgs.length) {
    return refuse(
      'wrong-arguments',
      `${args.length} arguments, expected ${spec.functionArgs.length}`,
    );
  }
  for (const [i, arg] of args.entries()) {
    if (serializeCV(arg) !== serializeCV(spec.functionArgs[i] as (typeof args)[number]))
      return refuse('wrong-arguments', `argument ${i} differs`);
  }

  const condition = tx.auth.spendingCondition;
  const nonce = BigInt(condition.nonce);
  if (nonce !== expected.nonce)
    return refuse('wrong-nonce', `nonce ${nonce}, expected ${expected.nonce}`);
  const fee = BigInt(condition.fee);
  if (fee < 1n || fee > expected.maxFee)
    return refuse('fee-out-of-range', `fee ${fee}, expected 1..${expected.maxFee}`);

  // Contract, function and arguments are pinned, so the call moves only what the contract's
  // own code moves for them; a post condition could only make it abort after the fee and the
  // nonce are spent. So: exactly the builder's form, Allow and none.
  if (tx.postConditionMode !== PostConditionMode.Allow || tx.postConditions.values.length > 0) {
    return refuse(
      'unexpected-post-conditions',
      `mode ${tx.postConditionMode} with ${tx.postConditions.values.length} post conditions`,
    );
  }
  if (tx.anchorMode === AnchorMode.OffChainOnly)
    return refuse('unsupported-anchor-mode', 'microblock-only');
  return { ok: true };
}

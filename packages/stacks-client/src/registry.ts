import type { ClarityValue } from '@stacks/transactions';
import {
  boolOf,
  bufferOf,
  listOf,
  optionalOf,
  principalOf,
  reverseHex,
  tupleOf,
  uintOf,
} from './clarity.ts';
import { ClarityDecodeError } from './errors.ts';
import type {
  SignerCandidate,
  SignerData,
  WithdrawalRecipient,
  WithdrawalRequest,
  WithdrawalStatus,
  WithdrawalSweep,
} from './types.ts';

// Decoders of the registry's read-only answers. The tuple field names are those of the deployed
// sBTC registry, which ours keeps, so the same decoders read both.

/** `get-current-signer-data`. */
export function decodeSignerData(cv: ClarityValue): SignerData {
  const field = tupleOf(cv, 'signer-data');
  return {
    signerSet: listOf(field('current-signer-set'), 'current-signer-set', bufferOf),
    aggregatePubkey: bufferOf(field('current-aggregate-pubkey'), 'current-aggregate-pubkey'),
    signerPrincipal: principalOf(field('current-signer-principal'), 'current-signer-principal'),
    signatureThreshold: uintOf(field('current-signature-threshold'), 'current-signature-threshold'),
  };
}

export function decodeRecipient(cv: ClarityValue, path: string): WithdrawalRecipient {
  const field = tupleOf(cv, path);
  const version = bufferOf(field('version'), `${path}.version`);
  if (version.length !== 2)
    throw new ClarityDecodeError(`${path}.version`, '1 byte', `${version.length / 2} bytes`);
  return {
    version: Number.parseInt(version, 16),
    hashbytes: bufferOf(field('hashbytes'), `${path}.hashbytes`),
  };
}

function statusOf(cv: ClarityValue, path: string): WithdrawalStatus {
  const status = optionalOf(cv, path, boolOf);
  if (status === undefined) return 'pending';
  return status ? 'accepted' : 'rejected';
}

/** `get-withdrawal-request(id)`: undefined for an unknown id. */
export function decodeWithdrawalRequest(
  id: bigint,
  cv: ClarityValue,
): WithdrawalRequest | undefined {
  return optionalOf(cv, 'withdrawal-request', (request, path) => {
    const field = tupleOf(request, path);
    return {
      id,
      amount: uintOf(field('amount'), `${path}.amount`),
      maxFee: uintOf(field('max-fee'), `${path}.max-fee`),
      sender: principalOf(field('sender'), `${path}.sender`),
      recipient: decodeRecipient(field('recipient'), `${path}.recipient`),
      blockHeight: uintOf(field('block-height'), `${path}.block-height`),
      status: statusOf(field('status'), `${path}.status`),
    };
  });
}

/** `get-completed-withdrawal-sweep-data(id)`: undefined until accepted. */
export function decodeWithdrawalSweep(cv: ClarityValue): WithdrawalSweep | undefined {
  return optionalOf(cv, 'sweep-data', (sweep, path) => {
    const field = tupleOf(sweep, path);
    return {
      // Stored in the hash's byte order; returned as Bitcoin RPC displays txids.
      sweepTxid: reverseHex(bufferOf(field('sweep-txid'), `${path}.sweep-txid`)),
      sweepBurnHash: bufferOf(field('sweep-burn-hash'), `${path}.sweep-burn-hash`),
      sweepBurnHeight: uintOf(field('sweep-burn-height'), `${path}.sweep-burn-height`),
    };
  });
}

/** `get-signer-candidates` (our registry only). */
export function decodeSignerCandidates(cv: ClarityValue): SignerCandidate[] {
  return listOf(cv, 'signer-candidates', (entry, path) => {
    const field = tupleOf(entry, path);
    return {
      signer: principalOf(field('signer'), `${path}.signer`),
      weight: uintOf(field('weight'), `${path}.weight`),
      publicKey: optionalOf(field('public-key'), `${path}.public-key`, bufferOf),
    };
  });
}

/** `get-signer(principal)` (our registry only): undefined for a signer not admitted. */
export function decodeSigner(
  cv: ClarityValue,
): { weight: bigint; publicKey: string | undefined } | undefined {
  return optionalOf(cv, 'signer', (entry, path) => {
    const field = tupleOf(entry, path);
    return {
      weight: uintOf(field('weight'), `${path}.weight`),
      publicKey: optionalOf(field('public-key'), `${path}.public-key`, bufferOf),
    };
  });
}

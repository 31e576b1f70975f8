/**
 * A signer's whole answer to a `stacks-cosign-request`: check, then sign or refuse. A refusal
 * never signs.
 * @module
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { NetworkName } from '@peg/stacks-client';
import { type PayloadJsonOf, stacksTransactionId } from '@peg/wire';
import { type CosignCheck, checkCosignRequest } from './check-request.ts';
import { cosign } from './cosign.ts';
import { type CosignExpectation, checkExpectation } from './expectation.ts';

/** The payload of the `stacks-cosign-response` to seal, and the check's detail for the log. */
export type CosignAnswer = {
  payload: PayloadJsonOf<'stacks-cosign-response'>;
  /** Why it refused (empty when it signed): numbers and names only, for the signer's own log. */
  detail: string;
};

const HEX = /^(?:[0-9a-f]{2})+$/;

/**
 * Answers the request carrying `txHex` (the payload's `transaction`, JSON form). `expected` is
 * what the signer would sign now, from its own view, or undefined when it expects nothing
 * (refused as `unexpected-call`). Refuses `not-a-signer` when its key is not in the expected
 * signer set, then runs `checkCosignRequest`; only an ok check reaches the key.
 */
export function answerCosignRequest(
  txHex: string,
  expected: CosignExpectation | undefined,
  network: NetworkName,
  stacksSecretKey: Uint8Array,
): CosignAnswer {
  if (typeof txHex !== 'string' || !HEX.test(txHex))
    throw new TypeError('"txHex" expected lowercase hex of whole bytes');
  const transactionId = bytesToHex(stacksTransactionId(hexToBytes(txHex)));
  const refused = (check: Extract<CosignCheck, { ok: false }>): CosignAnswer => ({
    payload: { transactionId, result: { type: 'refused', reason: check.reason } },
    detail: check.detail,
  });
  if (expected === undefined)
    return refused({ ok: false, reason: 'unexpected-call', detail: 'nothing expected now' });
  checkExpectation(expected);
  if (!(stacksSecretKey instanceof Uint8Array) || stacksSecretKey.length !== 32)
    throw new TypeError('"stacksSecretKey" expected 32 bytes');
  const ownKey = bytesToHex(secp256k1.getPublicKey(stacksSecretKey, true));
  if (!expected.signers.publicKeys.includes(ownKey))
    return refused({ ok: false, reason: 'not-a-signer', detail: 'own key not in the signer set' });
  const check = checkCosignRequest(txHex, expected, network);
  if (!check.ok) return refused(check);
  const { publicKey, signature } = cosign(txHex, stacksSecretKey);
  return {
    payload: { transactionId, result: { type: 'signed', publicKey, signature } },
    detail: '',
  };
}

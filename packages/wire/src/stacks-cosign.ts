import { sha512_256 } from '@noble/hashes/sha2.js';
import { z } from 'zod';
import { boundedBytes, bytes32, hexCodec, point } from './codecs.ts';
import type { Limits } from './limits.ts';

/**
 * Why a signer refuses to co-sign a Stacks transaction, in the order it checks (a closed list:
 * the coordinator's operator reads it, so it never carries free text, keys or amounts).
 */
export const STACKS_COSIGN_REFUSALS = Object.freeze([
  /** The signer expects no call now (e.g. it has not verified the key a rotation installs). */
  'unexpected-call',
  /** The signer's own Stacks key is not in the signer set, so its signature would not count. */
  'not-a-signer',
  /** Not one canonical Stacks contract-call transaction (bytes left over, other payload). */
  'undecodable',
  /** Transaction version or chain id of another network (a signature there could be replayed). */
  'wrong-network',
  /** Not the order-independent multisig of the current signer set and threshold, or sponsored. */
  'wrong-signer-principal',
  /** The spending condition already carries signatures or keys (the request must be unsigned). */
  'already-signed',
  /** Another contract (address or name) than the signer expects. */
  'wrong-contract',
  /** Another function of the contract. */
  'wrong-function',
  /** Any argument differs (compared by serialized Clarity bytes), or their number. */
  'wrong-arguments',
  /** Not the signer principal's next nonce as the signer reads it. */
  'wrong-nonce',
  /** Fee zero, or above the signer's maximum. */
  'fee-out-of-range',
  /** Post conditions, or a post-condition mode, other than the unsigned call's (Allow, none). */
  'unexpected-post-conditions',
  /** An anchor mode a Stacks 3 node does not mine (microblock-only). */
  'unsupported-anchor-mode',
] as const);

/** A reason a signer refuses to co-sign. */
export type StacksCosignRefusal = (typeof STACKS_COSIGN_REFUSALS)[number];

/**
 * A recoverable secp256k1 signature as Stacks multisig auth fields carry it (65 bytes, recovery
 * id first, then r and s: `@stacks/transactions` `nextSignature`'s form). The recovery id is
 * 0..3; r and s are checked by recovering the key (`assembleMultisigCall`), not here.
 */
export const recoverableSignature = hexCodec(
  z.string().regex(/^0[0-3][0-9a-f]{128}$/, 'expected a 65-byte recoverable signature'),
);

/**
 * The id that binds a response to its request: sha512/256 of the request's transaction bytes,
 * which is how Stacks computes a txid (here of the unsigned form; the assembled transaction has
 * another txid, its auth fields being filled in).
 */
export function stacksTransactionId(transaction: Uint8Array): Uint8Array {
  return sha512_256(transaction);
}

/** Stacks multisig co-signing payloads: the coordinator proposes, each signer signs or refuses. */
export function stacksCosignPayloads(limits: Limits) {
  return {
    /**
     * The active coordinator proposes an unsigned order-independent multisig contract call of
     * the signer principal. Each signer decodes it itself and signs only what it expects.
     */
    'stacks-cosign-request': z.strictObject({
      transaction: boundedBytes(1, limits.maxStacksTransactionBytes),
    }),
    /**
     * One signer's answer to the request whose transaction hashes to `transactionId`
     * (`stacksTransactionId`): its signature of the pre-sign hash with the key it registered,
     * or a refusal.
     */
    'stacks-cosign-response': z.strictObject({
      transactionId: bytes32,
      result: z.discriminatedUnion('type', [
        z.strictObject({
          type: z.literal('signed'),
          publicKey: point,
          signature: recoverableSignature,
        }),
        z.strictObject({ type: z.literal('refused'), reason: z.enum(STACKS_COSIGN_REFUSALS) }),
      ]),
    }),
  };
}

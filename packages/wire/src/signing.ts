import { z } from 'zod';
import {
  boundedBytes,
  bytes32,
  id,
  idSet,
  isStrictlyAscending,
  keyedList,
  point,
  safeUint,
  scalar,
} from './codecs.ts';
import type { Limits } from './limits.ts';

/** A party's public nonce pair for one message (RFC 9591 round 1: hiding, binding). */
export const noncePair = z.strictObject({ hiding: point, binding: point });

/**
 * How the group key is tweaked for the signature: BIP341 TapTweak (key path: merkleRoot null;
 * script-path-committed key: its 32-byte merkle root), or none (plain BIP340).
 */
export const tweak = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('taproot'), merkleRoot: bytes32.nullable() }),
  z.strictObject({ type: z.literal('none') }),
]);

/**
 * What a signer needs to rebuild the messages itself instead of trusting the coordinator's
 * hashes (sbtc PR #930/#953): the withdrawal request ids served and the unsigned transaction.
 */
function rebuild(limits: Limits) {
  return z.strictObject({
    withdrawalRequestIds: z
      .array(safeUint)
      .max(limits.maxRequestIds)
      .refine(isStrictlyAscending, 'request ids must be strictly ascending (no duplicates)'),
    unsignedTransaction: boundedBytes(1, limits.maxTransactionBytes),
  });
}

/** The messages of a round: 32-byte sighashes, one per transaction input, in input order. */
const messages = (limits: Limits) => z.array(bytes32).min(1).max(limits.maxMessagesPerRound);

/** One list entry per message of the round. */
const perMessage = <T extends z.ZodType>(item: T, limits: Limits) =>
  z.array(item).min(1).max(limits.maxMessagesPerRound);

/** Signing-round payloads (multi-message: one nonce pair and one share per message). */
export function signingPayloads(limits: Limits) {
  return {
    /** Coordinator asks for nonces to sign these messages, with their rebuild data. */
    'nonce-request': z.strictObject({
      messages: messages(limits),
      rebuild: rebuild(limits),
      tweak,
    }),
    /** One fresh nonce pair per message of the request, in the same order. */
    'nonce-response': z.strictObject({
      nonces: perMessage(noncePair, limits),
    }),
    /**
     * Coordinator asks for shares: the commitment list (per party, its key ids and one nonce pair
     * per message), the messages and the rebuild data again.
     */
    'signature-share-request': z
      .strictObject({
        commitments: keyedList(
          z.strictObject({
            partyId: id,
            keyIds: idSet(1, limits.maxKeyIds),
            nonces: perMessage(noncePair, limits),
          }),
          'partyId',
          1,
          limits.maxParties,
        ),
        messages: messages(limits),
        rebuild: rebuild(limits),
        tweak,
      })
      .superRefine((request, ctx) => {
        const keyIds = new Set<number>();
        for (const [index, entry] of request.commitments.entries()) {
          if (entry.nonces.length !== request.messages.length) {
            ctx.addIssue({
              code: 'custom',
              path: ['commitments', index, 'nonces'],
              message: `expected ${request.messages.length} nonce pairs, one per message`,
            });
          }
          for (const keyId of entry.keyIds) {
            if (keyIds.has(keyId)) {
              ctx.addIssue({
                code: 'custom',
                path: ['commitments', index, 'keyIds'],
                message: `key id ${keyId} appears under two parties`,
              });
            }
            keyIds.add(keyId);
          }
        }
        if (keyIds.size > limits.maxKeyIds) {
          ctx.addIssue({ code: 'custom', path: ['commitments'], message: 'too many key ids' });
        }
      }),
    /** One signature share per message, in the request's order. */
    'signature-share-response': z.strictObject({
      shares: perMessage(scalar, limits),
    }),
  };
}

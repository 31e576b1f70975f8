/**
 * The signer's side of Stacks multisig co-signing: a `stacks-cosign-request` from the active
 * coordinator is answered with a signature only when the transaction is exactly what this
 * signer would send itself (`answerCosignRequest` of @peg/runtime), from its own view:
 * - `rotate-keys` of the key this signer verified in the current epoch, with the epoch's
 *   registered keys in party order and its Stacks threshold;
 * - by the registry's current signer principal, at its next nonce, for at most `MAX_FEE`.
 * Anything else is refused with a reason (logged and reported on the API).
 */

import type { KeyDirectory } from '@peg/protocol';
import {
  activeOf,
  federationThresholds,
  type SignerState,
  type WireEnvelopeOf,
} from '@peg/protocol';
import {
  answerCosignRequest,
  type CosignExpectation,
  decodeTransaction,
  type HostLogger,
  type OperatorContext,
  type StacksView,
} from '@peg/runtime';
import { rotateKeysCall } from '@peg/stacks-client';

/** The most fee (µSTX) a signer co-signs for. */
export const MAX_COSIGN_FEE = 1_000_000n;

/** What this signer expects to co-sign now, or undefined (then it refuses `unexpected-call`). */
export async function cosignExpectation(
  txHex: string,
  ctx: OperatorContext,
  state: SignerState,
  view: StacksView,
  directory: KeyDirectory,
): Promise<CosignExpectation | undefined> {
  const tx = decodeTransaction(txHex);
  if (tx === undefined) return undefined;
  const payload = tx.payload as { functionName?: { content?: string } };
  const fn = payload.functionName?.content;
  if (fn !== 'rotate-keys') return undefined;
  const key = state.current;
  if (key?.status !== 'verified') return undefined;
  const parties = state.config.federation.parties;
  const keys = parties.map((p) => directory.registeredKey(p.id));
  if (keys.some((k) => k === undefined)) return undefined;
  const total = parties.reduce((n, p) => n + p.keyIds.length, 0);
  const { stacksThreshold } = federationThresholds(total, parties.length);
  const { nonce } = await ctx.stacks.getAccount(view.signerPrincipal);
  return {
    spec: rotateKeysCall({
      keys: keys as string[],
      aggregatePubkey: key.pub.groupKey,
      threshold: stacksThreshold,
    }),
    contracts: ctx.stacks.options.contracts,
    nonce,
    maxFee: MAX_COSIGN_FEE,
    signers: { publicKeys: view.signerSet, threshold: view.threshold },
  };
}

/** Answers one request: the payload to send back to its coordinator. */
export async function answerCosign(
  e: WireEnvelopeOf<'stacks-cosign-request'>,
  ctx: OperatorContext,
  state: SignerState,
  view: StacksView | undefined,
  directory: KeyDirectory,
  logger: HostLogger,
) {
  const txHex = e.payload.transaction;
  const active = activeOf(state.view, state.config.federation.parties);
  const expected =
    view !== undefined && active === e.sender.partyId
      ? await cosignExpectation(txHex, ctx, state, view, directory)
      : undefined;
  const secret = ctx.keystore.stacksSecretKey();
  try {
    const answer = answerCosignRequest(txHex, expected, ctx.config.stacks.network, secret);
    const result = answer.payload.result;
    if (result.type === 'signed')
      logger.info({ from: e.sender.partyId }, 'co-signed a Stacks transaction');
    else
      logger.warn(
        { from: e.sender.partyId, reason: result.reason, detail: answer.detail },
        'refused to co-sign a Stacks transaction',
      );
    return answer.payload;
  } finally {
    secret.fill(0);
  }
}

/**
 * The signer's side of Stacks multisig co-signing: a `stacks-cosign-request` from the active
 * coordinator is answered with a signature only when the transaction is exactly what this
 * signer would send itself (`answerCosignRequest` of @peg/runtime), from its own view:
 * - `rotate-keys` of the key this signer verified in the current epoch, with the epoch's
 *   registered keys in party order and its Stacks threshold;
 * - `complete-withdrawals` of a sweep of ours mined deep enough, exactly as this signer derives
 *   it from its own Bitcoin and Stacks nodes (`expectedCompletion`);
 * - `reject-withdrawal-request` of a request this signer rejected itself, pending, in no sweep
 *   (`expectedRejection`);
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
  walletOutputKey,
} from '@peg/runtime';
import { type ContractCallSpec, rotateKeysCall, type WithdrawalRequest } from '@peg/stacks-client';
import { expectedCompletion } from './peg-out/completion-check.ts';
import type { DecisionStore } from './peg-out/decision-store.ts';
import { expectedRejection } from './peg-out/rejection-check.ts';
import type { SweepCheckDeps } from './peg-out/sweep-check.ts';

/** What the peg-out co-signing checks read: the chains, and this signer's own decisions. */
export type PegOutCosignDeps = SweepCheckDeps & {
  decisions?: DecisionStore | undefined;
  judge?: ((r: WithdrawalRequest) => Promise<unknown>) | undefined;
};

/** The most fee (µSTX) a signer co-signs for. */
export const MAX_COSIGN_FEE = 1_000_000n;

/** What this signer expects to co-sign now, or undefined (then it refuses `unexpected-call`). */
export async function cosignExpectation(
  txHex: string,
  ctx: OperatorContext,
  state: SignerState,
  view: StacksView,
  directory: KeyDirectory,
  pegOut: PegOutCosignDeps,
  logger?: HostLogger,
): Promise<CosignExpectation | undefined> {
  const tx = decodeTransaction(txHex);
  if (tx === undefined) return undefined;
  const payload = tx.payload as {
    functionName?: { content?: string };
    functionArgs?: Parameters<typeof expectedCompletion>[1];
  };
  const fn = payload.functionName?.content;
  const expect = async (spec: ContractCallSpec): Promise<CosignExpectation> => ({
    spec,
    contracts: ctx.stacks.options.contracts,
    nonce: (await ctx.stacks.getAccount(view.signerPrincipal)).nonce,
    maxFee: MAX_COSIGN_FEE,
    signers: { publicKeys: view.signerSet, threshold: view.threshold },
  });
  if (fn === 'complete-withdrawals') {
    const keys = [state.current, ...state.previous].flatMap((k) =>
      k === null ? [] : [walletOutputKey(k.pub.groupKey)],
    );
    const completion = await expectedCompletion(pegOut, payload.functionArgs ?? [], new Set(keys));
    if (!completion.ok) {
      logger?.warn({ reason: completion.reason }, 'no completion of ours matches');
      return undefined;
    }
    return expect(completion.spec);
  }
  if (fn === 'reject-withdrawal-request') {
    const arg = payload.functionArgs?.[0];
    if (arg?.type !== 'uint' || pegOut.decisions === undefined || pegOut.judge === undefined)
      return undefined;
    const keys = [state.current, ...state.previous].flatMap((k) =>
      k === null ? [] : [walletOutputKey(k.pub.groupKey)],
    );
    const rejection = await expectedRejection(
      { ...pegOut, decisions: pegOut.decisions, judge: pegOut.judge },
      BigInt(arg.value),
      new Set(keys),
      Date.now(),
    );
    if (!rejection.ok) {
      logger?.warn({ reason: rejection.reason }, 'no rejection of ours matches');
      return undefined;
    }
    return expect(rejection.spec);
  }
  if (fn !== 'rotate-keys') return undefined;
  const key = state.current;
  if (key?.status !== 'verified') return undefined;
  const parties = state.config.federation.parties;
  const keys = parties.map((p) => directory.registeredKey(p.id));
  if (keys.some((k) => k === undefined)) return undefined;
  const total = parties.reduce((n, p) => n + p.keyIds.length, 0);
  const { stacksThreshold } = federationThresholds(total, parties.length);
  return expect(
    rotateKeysCall({
      keys: keys as string[],
      aggregatePubkey: key.pub.groupKey,
      threshold: stacksThreshold,
    }),
  );
}

/** Answers one request: the payload to send back to its coordinator. */
export async function answerCosign(
  e: WireEnvelopeOf<'stacks-cosign-request'>,
  ctx: OperatorContext,
  state: SignerState,
  view: StacksView | undefined,
  directory: KeyDirectory,
  pegOut: PegOutCosignDeps,
  logger: HostLogger,
) {
  const txHex = e.payload.transaction;
  const active = activeOf(state.view, state.config.federation.parties);
  const expected =
    view !== undefined && active === e.sender.partyId
      ? await cosignExpectation(txHex, ctx, state, view, directory, pegOut, logger)
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

/**
 * The signer machine: `step(state, input, env) -> { state, effects }`, pure. It checks that
 * coordinator-only messages come from the active coordinator for its tip before anything else.
 */
import { dkgVerificationMessage, verifyBip340 } from '../crypto.ts';
import { COORDINATOR_ONLY, type PublicAddressAvailable } from '../messages.ts';
import { activeOf, onTakeoverTimer, onTip, TAKEOVER_TIMER } from '../selection.ts';
import type { Effect, Step } from '../types.ts';
import {
  ignored,
  onDkgBegin,
  onDkgEndBegin,
  onDkgPrivateBegin,
  onDkgQueryResponse,
  onPeerShares,
} from './dkg.ts';
import type { SignerInput, SignerReport } from './reports.ts';
import { onNonceRequest, onSignatureShareRequest, type SignerEnv } from './sign.ts';
import type { SignerState } from './state.ts';

/** One transition of the signer. Never throws on peer input. */
export function signerStep(
  state: SignerState,
  input: SignerInput,
  env: SignerEnv,
): Step<SignerState, SignerReport> {
  const parties = state.config.federation.parties;
  const takeover = state.config.federation.timeouts.takeover;
  if (input.type === 'chain-tip') {
    if (!/^[0-9a-f]{64}$/.test(input.tip)) throw new RangeError('"tip" expected 32-byte hex');
    const view = onTip(state.view, input.tip, env.now);
    if (view === state.view) return { state, effects: [] };
    return {
      state: { ...state, view },
      effects: [
        { type: 'set-timer', id: TAKEOVER_TIMER, at: env.now + takeover },
        { type: 'persist' },
        {
          type: 'report',
          report: { kind: 'coordinator-changed', active: activeOf(view, parties) },
        },
      ],
    };
  }
  if (input.type === 'timer') {
    if (input.id !== TAKEOVER_TIMER) return { state, effects: [] };
    const { view, next } = onTakeoverTimer(state.view, env.now, takeover);
    const effects: Effect<SignerReport>[] = [{ type: 'set-timer', id: TAKEOVER_TIMER, at: next }];
    if (view.attempt !== state.view.attempt)
      effects.push({
        type: 'report',
        report: { kind: 'coordinator-changed', active: activeOf(view, parties) },
      });
    return { state: { ...state, view }, effects };
  }
  const { from, message } = input;
  if (COORDINATOR_ONLY.has(message.type)) {
    const active = activeOf(state.view, parties);
    if (active === null || from !== active)
      return {
        state,
        effects: [
          { type: 'report', report: { kind: 'refused', reason: 'not-active-coordinator', from } },
        ],
      };
    // Heard from the active coordinator: it is not silent.
    state = { ...state, view: { ...state.view, lastHeardAt: env.now } };
  }
  switch (message.type) {
    case 'dkg-begin':
      return onDkgBegin(state, message, env);
    case 'dkg-public-shares':
    case 'dkg-private-shares':
      return onPeerShares(state, from, message, env);
    case 'dkg-private-begin':
      return onDkgPrivateBegin(state, message, env);
    case 'dkg-end-begin':
      return onDkgEndBegin(state, message, env);
    case 'dkg-query-response':
      return onDkgQueryResponse(state, message, env);
    case 'public-address-available':
      return onPublicAddress(state, message);
    case 'nonce-request':
      return onNonceRequest(state, message, env);
    case 'signature-share-request':
      return onSignatureShareRequest(state, message, env);
    default:
      // Signer-to-coordinator messages are not for signers.
      return ignored(state, 'not-current', message.type);
  }
}

/** The coordinator shows the verification signature: check it ourselves, then adopt the key. */
function onPublicAddress(
  s: SignerState,
  m: PublicAddressAvailable,
): Step<SignerState, SignerReport> {
  const k = s.pending;
  if (k === null || k.dkgId !== m.dkgId || k.pub.commitments[0] !== m.groupKey)
    return ignored(s, 'not-current', m.type);
  if (!verifyBip340(m.signature, dkgVerificationMessage(m.dkgId, m.groupKey), m.groupKey))
    return {
      state: s,
      effects: [
        { type: 'report', report: { kind: 'refused', reason: 'bad-verification-signature' } },
      ],
    };
  return {
    state: { ...s, current: { ...k, status: 'verified' }, pending: null },
    effects: [
      { type: 'persist' },
      { type: 'report', report: { kind: 'key-verified', dkgId: m.dkgId, groupKey: m.groupKey } },
    ],
  };
}

/**
 * The signer machine: `step(state, input, env) -> { state, effects }`, pure. It checks that
 * coordinator-only messages come from the active coordinator for its tip before anything else.
 */
import { isCoordinatorKind } from '@peg/wire';
import { taprootAddress } from '../address.ts';
import { assertTipInput, tipRefusal } from '../chain-tip.ts';
import type { WireEnvelopeOf } from '../envelopes.ts';
import type { Effect, Step } from '../machine.ts';
import { assertKeysOnlyChange } from '../messaging-keys.ts';
import { outputKey } from '../output-key.ts';
import { activeOf, onTakeoverTimer, onTip, TAKEOVER_TIMER } from '../selection.ts';
import { onDkgBegin, onDkgEndBegin, onDkgPrivateBegin, onDkgQuery, onPeerShares } from './dkg.ts';
import { ignored, refused } from './out.ts';
import type { SignerInput, SignerReport } from './reports.ts';
import {
  onNonceRequest,
  onPolicyDecision,
  onSignatureShareRequest,
  type SignerEnv,
} from './sign.ts';
import { installKey, type SignerState } from './state.ts';
import { onPeerResult } from './transcript.ts';

/** One transition of the signer. Never throws on peer input. */
export function signerStep(
  state: SignerState,
  input: SignerInput,
  env: SignerEnv,
): Step<SignerState, SignerReport> {
  const parties = state.config.federation.parties;
  const takeover = state.config.federation.timeouts.takeover;
  if (input.type === 'chain-tip') {
    assertTipInput(input);
    const view = onTip(state.view, input.tip, input.height, env.now);
    // The same tip again is what a (re)started shell reads first: restart the silence clock,
    // since the time this process was down is not the active coordinator's silence.
    if (view === state.view)
      return {
        state: { ...state, view: { ...view, lastHeardAt: env.now } },
        effects: [
          { type: 'set-timer', id: TAKEOVER_TIMER, at: env.now + takeover },
          { type: 'persist' },
        ],
      };
    return {
      state: { ...state, view, heardSinceTip: false },
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
    // No coordinator has spoken since the tip (none runs yet: signers started first, or every
    // coordinator is down): nobody to take over from, and counting this silence would leave
    // us on a later coordinator than the ones that start now.
    if (state.heardSinceTip === false)
      return {
        state,
        effects: [{ type: 'set-timer', id: TAKEOVER_TIMER, at: env.now + takeover }],
      };
    const { view, next } = onTakeoverTimer(state.view, env.now, takeover);
    const effects: Effect<SignerReport>[] = [{ type: 'set-timer', id: TAKEOVER_TIMER, at: next }];
    if (view.attempt !== state.view.attempt)
      effects.push({
        type: 'report',
        report: { kind: 'coordinator-changed', active: activeOf(view, parties) },
      });
    return { state: { ...state, view }, effects };
  }
  if (input.type === 'policy') return onPolicyDecision(state, input);
  if (input.type === 'messaging-keys') {
    if (!assertKeysOnlyChange(state.config.federation, input.federation))
      return { state, effects: [] };
    const config = { ...state.config, federation: input.federation };
    return { state: { ...state, config }, effects: [{ type: 'persist' }] };
  }
  const e = input.envelope;
  const from = e.sender.partyId;
  if (isCoordinatorKind(e.kind)) {
    // Some coordinator runs: the silence clock starts now (from any member: an inactive one
    // sealing this kind can only start a clock that would run anyway).
    if (state.heardSinceTip === false)
      state = {
        ...state,
        heardSinceTip: true,
        view: { ...state.view, lastHeardAt: env.now },
      };
    const active = activeOf(state.view, parties);
    if (active === null || from !== active)
      return refused(state, 'not-active-coordinator', { from });
    const stale = tipRefusal(state.view, e.chainTip);
    if (stale !== null) return refused(state, stale, { from });
    // Heard from the active coordinator: it is not silent.
    state = { ...state, view: { ...state.view, lastHeardAt: env.now } };
  }
  switch (e.kind) {
    case 'dkg-begin':
      return onDkgBegin(state, e, env);
    case 'dkg-public-shares':
    case 'dkg-private-shares':
      return onPeerShares(state, e, env);
    case 'dkg-private-begin':
      return onDkgPrivateBegin(state, e, env);
    case 'dkg-end-begin':
      return onDkgEndBegin(state, e, env);
    case 'dkg-query':
      return onDkgQuery(state, e);
    case 'dkg-end':
    case 'dkg-query-response':
      return onPeerResult(state, e);
    case 'public-address-available':
      return onPublicAddress(state, e);
    case 'nonce-request':
      return onNonceRequest(state, e, env);
    case 'signature-share-request':
      return onSignatureShareRequest(state, e);
    case 'coordinator-heartbeat':
      // Heard (above). Persisted, so that a restart while the federation is idle resumes with
      // the active coordinator recently heard, not with an overdue takeover.
      return { state, effects: [{ type: 'persist' }] };
    default:
      // Answers to the coordinator and set-up messages are not for the signer machine.
      return ignored(state, 'not-current', e.kind);
  }
}

/**
 * The coordinator publishes the new key. Adopt it only if it is the key this signer holds and
 * helped verify, and the address is the one this signer derives itself.
 */
function onPublicAddress(
  s: SignerState,
  e: WireEnvelopeOf<'public-address-available'>,
): Step<SignerState, SignerReport> {
  const k = s.pending;
  if (k === null || k.dkgId !== e.dkgId || k.pub.groupKey !== e.payload.aggregateKey)
    return ignored(s, 'not-current', e.kind);
  const key = outputKey(k.pub.groupKey, { type: 'taproot', merkleRoot: null });
  const address = taprootAddress(key, s.config.federation.network);
  if (!k.verificationSigned || e.payload.outputKey !== key || e.payload.address !== address)
    return refused(s, k.verificationSigned ? 'wrong-address' : 'not-verified');
  return {
    state: installKey(s, k),
    effects: [
      { type: 'persist' },
      {
        type: 'report',
        report: { kind: 'key-verified', dkgId: e.dkgId, groupKey: k.pub.groupKey, address },
      },
    ],
  };
}

/**
 * The coordinator machine: `step(state, input, env) -> { state, effects }`, pure. It acts only
 * while it is the active coordinator for its tip; a backup mirrors the ids it sees and takes over
 * (continuing above them) when the active one stays silent.
 */
import { isMerkleRoot } from '../crypto.ts';
import { COORDINATOR_ONLY, type ProtocolMessage } from '../messages.ts';
import { activeOf, onTakeoverTimer, onTip, TAKEOVER_TIMER } from '../selection.ts';
import type { Env, Step } from '../types.ts';
import {
  onDkgDeadline,
  onDkgEnd,
  onDkgPrivateShares,
  onDkgPublicShares,
  onDkgQuery,
  onVerificationEnd,
  resendDkg,
  startDkg,
} from './dkg.ts';
import { type CEffect, disarm, type Out, RESEND_TIMER } from './out.ts';
import type { CoordinatorInput, CoordinatorReport } from './reports.ts';
import {
  onNonceResponse,
  onShareResponse,
  onSignDeadline,
  resendSign,
  type SignOut,
  signReport,
  startSign,
} from './sign.ts';
import type { CoordinatorState } from './state.ts';

const isActive = (s: CoordinatorState) =>
  activeOf(s.view, s.config.federation.parties) === s.config.id;

/** One transition of the coordinator. Never throws on peer input. */
export function coordinatorStep(
  state: CoordinatorState,
  input: CoordinatorInput,
  env: Env,
): Step<CoordinatorState, CoordinatorReport> {
  const out = drive(dispatch(state, input, env), env);
  // An active coordinator that speaks is not silent: it keeps its own takeover clock in step
  // with the signers', which restart theirs when they hear it.
  const spoke = out.effects.some((e) => e.type === 'send' && COORDINATOR_ONLY.has(e.message.type));
  if (spoke && isActive(out.state))
    return { ...out, state: { ...out.state, view: { ...out.state.view, lastHeardAt: env.now } } };
  return out;
}

function dispatch(s: CoordinatorState, input: CoordinatorInput, env: Env): Out {
  const takeover = s.config.federation.timeouts.takeover;
  switch (input.type) {
    case 'chain-tip': {
      if (!/^[0-9a-f]{64}$/.test(input.tip)) throw new RangeError('"tip" expected 32-byte hex');
      const view = onTip(s.view, input.tip, env.now);
      if (view === s.view) return { state: s, effects: [] };
      return {
        state: { ...s, view },
        effects: [
          { type: 'set-timer', id: TAKEOVER_TIMER, at: env.now + takeover },
          { type: 'persist' },
        ],
      };
    }
    case 'command': {
      const c = input.command;
      if (c.kind === 'dkg')
        return { state: { ...s, dkgQueued: true }, effects: [{ type: 'persist' }] };
      if (c.kind === 'cancel')
        return {
          state: {
            ...s,
            queue: s.queue.filter((q) => q.requestIds.join() !== c.requestIds.join()),
          },
          effects: [{ type: 'persist' }],
        };
      if (c.kind === 'set-key')
        return {
          state: {
            ...s,
            dkgQueued: false,
            key: {
              dkgId: c.dkgId,
              pub: c.pub,
              holders: [...c.holders],
              verification: c.verification,
            },
          },
          effects: [{ type: 'persist' }],
        };
      if (c.messages.length === 0 || !c.messages.every((m) => /^[0-9a-f]{64}$/.test(m)))
        throw new RangeError('"messages" expected one or more 32-byte hex sighashes');
      if (!isMerkleRoot(c.merkleRoot))
        throw new RangeError('"merkleRoot" expected null, empty, or 32-byte hex');
      const cmd = {
        requestIds: [...c.requestIds],
        payload: c.payload,
        messages: [...c.messages],
        merkleRoot: c.merkleRoot,
      };
      return { state: { ...s, queue: [...s.queue, cmd] }, effects: [{ type: 'persist' }] };
    }
    case 'timer':
      return onTimer(s, input.id, env);
    case 'message':
      return onMessage(s, input.from, input.message, env);
  }
}

function onTimer(s: CoordinatorState, id: string, env: Env): Out {
  if (id === TAKEOVER_TIMER) {
    const { view, next } = onTakeoverTimer(s.view, env.now, s.config.federation.timeouts.takeover);
    const moved: CoordinatorState = { ...s, view };
    const effects: CEffect[] = [{ type: 'set-timer', id: TAKEOVER_TIMER, at: next }];
    if (isActive(moved) || (s.sign === null && s.dkg === null)) return { state: moved, effects };
    // No longer active with work in progress: hand it back to the queue (the next coordinator
    // runs it; we resume it if the role comes back), and drop the phase timers.
    const d = disarm(moved);
    let requeued: CoordinatorState = { ...d.state, sign: null, dkg: null };
    if (s.dkg !== null) requeued = { ...requeued, dkgQueued: true };
    else if (s.sign !== null && s.sign.body.purpose === 'sign') {
      const b = s.sign.body;
      const cmd = {
        requestIds: b.requestIds,
        payload: b.payload,
        messages: b.messages,
        merkleRoot: b.merkleRoot,
      };
      requeued = { ...requeued, queue: [cmd, ...s.queue] };
    }
    return { state: requeued, effects: [...effects, ...d.effects, { type: 'persist' }] };
  }
  if (!isActive(s)) return { state: s, effects: [] };
  if (id === RESEND_TIMER) {
    const effects: CEffect[] = [];
    if (s.sign !== null) effects.push(...resendSign(s));
    else if (s.dkg !== null) effects.push(...resendDkg(s));
    else return { state: s, effects: [] };
    effects.push({
      type: 'set-timer',
      id: RESEND_TIMER,
      at: env.now + s.config.federation.timeouts.resend,
    });
    return { state: s, effects };
  }
  if (id !== `deadline:${s.deadline}`) return { state: s, effects: [] }; // stale timer
  if (s.sign !== null) return finishSign(onSignDeadline(s, env), env);
  if (s.dkg !== null) return onDkgDeadline(s, env);
  return { state: s, effects: [] };
}

/** Routes the end of a signing run: DKG verification, or a peg-out outcome. */
function finishSign(out: SignOut, env: Env): Out {
  if (out.end === undefined) return out;
  if (out.end.run.body.purpose === 'dkg-verification' && out.state.dkg !== null) {
    const r = onVerificationEnd(out.state, out.end, env);
    return { state: r.state, effects: [...out.effects, ...r.effects] };
  }
  return { state: out.state, effects: [...out.effects, signReport(out.end)] };
}

function onMessage(s: CoordinatorState, from: number, m: ProtocolMessage, env: Env): Out {
  if (COORDINATOR_ONLY.has(m.type)) {
    // Another coordinator speaking: mirror its ids; if it is the active one, it is not silent.
    let next = s;
    if (from === activeOf(s.view, s.config.federation.parties) && from !== s.config.id)
      next = { ...next, view: { ...next.view, lastHeardAt: env.now } };
    if (m.type === 'dkg-begin') next = { ...next, maxDkgId: Math.max(next.maxDkgId, m.dkgId) };
    // Another coordinator published a verified key: our queued DKG request is served.
    if (m.type === 'public-address-available' && from !== s.config.id)
      next = { ...next, dkgQueued: false };
    if (m.type === 'nonce-request')
      next = {
        ...next,
        maxSignId: Math.max(next.maxSignId, m.signId),
        maxIterId: Math.max(next.maxIterId, m.iterId),
      };
    return { state: next, effects: [] };
  }
  if (!isActive(s)) return { state: s, effects: [] };
  switch (m.type) {
    case 'dkg-public-shares':
      return onDkgPublicShares(s, from, m, env);
    case 'dkg-private-shares':
      return onDkgPrivateShares(s, from, m, env);
    case 'dkg-end':
      return onDkgEnd(s, from, m, env);
    case 'dkg-query':
      return onDkgQuery(s, from, m);
    case 'nonce-response':
      return finishSign(onNonceResponse(s, from, m, env), env);
    case 'signature-share-response':
      return finishSign(onShareResponse(s, from, m, env), env);
    default:
      return { state: s, effects: [] };
  }
}

/** Starts queued work when active and idle: a DKG first, then peg-outs in order. */
function drive(out: Out, env: Env): Out {
  const s = out.state;
  if (!isActive(s) || s.dkg !== null || s.sign !== null) return out;
  if (s.dkgQueued) {
    const r = startDkg({ ...s, dkgQueued: false }, env);
    return { state: r.state, effects: [...out.effects, ...r.effects] };
  }
  const [next, ...rest] = s.queue;
  if (next === undefined || s.key === null) return out;
  const r = startSign(
    { ...s, queue: rest },
    s.key,
    {
      purpose: 'sign',
      requestIds: next.requestIds,
      payload: next.payload,
      messages: next.messages,
      merkleRoot: next.merkleRoot,
    },
    false,
    env,
  );
  return { state: r.state, effects: [...out.effects, ...r.effects] };
}

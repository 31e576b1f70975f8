/**
 * The coordinator machine: `step(state, input, env) -> { state, effects }`, pure. It acts only
 * while it is the active coordinator for its tip; a backup mirrors the ids it sees and takes over
 * (continuing above them) when the active one stays silent.
 */
import { isCoordinatorKind } from '@peg/wire';
import { assertTipInput, tipRefusal } from '../chain-tip.ts';
import type { WireEnvelope } from '../envelopes.ts';
import type { Env, Step } from '../machine.ts';
import { assertKeysOnlyChange } from '../messaging-keys.ts';
import { keyOfDkg } from '../retained-keys.ts';
import {
  activeOf,
  HEARTBEAT_TIMER,
  heartbeatEvery,
  onTakeoverTimer,
  onTip,
  TAKEOVER_TIMER,
} from '../selection.ts';
import { DKG_IDS_PER_SCOPE } from '../session-ids.ts';
import {
  onDkgDeadline,
  onDkgEnd,
  onDkgPrivateShares,
  onDkgPublicShares,
  onDkgQueryResponse,
  onVerificationEnd,
  resendDkg,
  resendResults,
  startDkg,
} from './dkg.ts';
import {
  broadcast,
  type CEffect,
  disarm,
  type Out,
  RESEND_TIMER,
  report,
  resendEvery,
} from './out.ts';
import type { CoordinatorInput, CoordinatorReport } from './reports.ts';
import {
  inIdScope,
  onNonceResponse,
  onShareResponse,
  onSignDeadline,
  resendSign,
  type SignOut,
  signReport,
  startSign,
} from './sign.ts';
import { type CoordinatorState, installKey, type SignCommand } from './state.ts';

const isActive = (s: CoordinatorState) =>
  activeOf(s.view, s.config.federation.parties) === s.config.id;

/** One transition of the coordinator. Never throws on peer input. */
export function coordinatorStep(
  state: CoordinatorState,
  input: CoordinatorInput,
  env: Env,
): Step<CoordinatorState, CoordinatorReport> {
  const driven = drive(dispatch(state, input, env), env);
  const out = { ...driven, state: inIdScope(driven.state) };
  // An active coordinator that speaks is not silent: it keeps its own takeover clock in step
  // with the signers', which restart theirs when they hear it.
  const spoke = out.effects.some((e) => e.type === 'send' && isCoordinatorKind(e.message.kind));
  if (spoke && isActive(out.state))
    return { ...out, state: { ...out.state, view: { ...out.state.view, lastHeardAt: env.now } } };
  return out;
}

function dispatch(s: CoordinatorState, input: CoordinatorInput, env: Env): Out {
  const takeover = s.config.federation.timeouts.takeover;
  switch (input.type) {
    case 'chain-tip': {
      assertTipInput(input);
      // The same tip again is what a (re)started shell reads first: the silence clock restarts
      // (this process's downtime is not the active coordinator's silence), unless we are that
      // coordinator: then the silence was ours, and the overdue timer counts it (onTakeoverTimer).
      const tip = onTip(s.view, input.tip, input.height, env.now);
      if (tip === s.view && isActive(s)) return { state: s, effects: [] };
      const view = tip === s.view ? { ...tip, lastHeardAt: env.now } : tip;
      return {
        state: { ...s, view },
        effects: [
          { type: 'set-timer', id: TAKEOVER_TIMER, at: env.now + takeover },
          { type: 'set-timer', id: HEARTBEAT_TIMER, at: env.now + heartbeatEvery(takeover) },
          { type: 'persist' },
        ],
      };
    }
    case 'messaging-keys': {
      if (!assertKeysOnlyChange(s.config.federation, input.federation))
        return { state: s, effects: [] };
      const config = { ...s.config, federation: input.federation };
      return { state: { ...s, config }, effects: [{ type: 'persist' }] };
    }
    case 'command': {
      const c = input.command;
      if (c.kind === 'dkg')
        return { state: { ...s, dkgQueued: true }, effects: [{ type: 'persist' }] };
      if (c.kind === 'cancel')
        return {
          state: {
            ...s,
            queue: s.queue.filter(
              (q) => q.withdrawalRequestIds.join() !== c.withdrawalRequestIds.join(),
            ),
          },
          effects: [{ type: 'persist' }],
        };
      if (c.kind === 'set-key')
        return {
          state: installKey(
            { ...s, dkgQueued: false },
            { dkgId: c.dkgId, pub: c.pub, verification: c.verification },
          ),
          effects: [{ type: 'persist' }],
        };
      return {
        state: { ...s, queue: [...s.queue, signCommand(s, c)] },
        effects: [{ type: 'persist' }],
      };
    }
    case 'timer':
      return onTimer(s, input.id, env);
    case 'message':
      return onMessage(s, input.envelope, env);
  }
}

function onTimer(s: CoordinatorState, id: string, env: Env): Out {
  if (id === TAKEOVER_TIMER) {
    const { view, next } = onTakeoverTimer(
      s.view,
      env.now,
      s.config.federation.timeouts.takeover,
      isActive(s) ? 'active' : 'other',
    );
    const moved: CoordinatorState = { ...s, view };
    const effects: CEffect[] = [{ type: 'set-timer', id: TAKEOVER_TIMER, at: next }];
    // The role moved to us: say so at once (the others follow as their own clocks run out).
    if (isActive(moved) && !isActive(s))
      effects.push({ type: 'set-timer', id: HEARTBEAT_TIMER, at: env.now });
    if (isActive(moved) || (s.sign === null && s.dkg === null)) return { state: moved, effects };
    // No longer active with work in progress: hand it back to the queue (the next coordinator
    // runs it; we resume it if the role comes back), and drop the phase timers.
    const d = disarm(moved);
    let requeued: CoordinatorState = { ...d.state, sign: null, dkg: null };
    if (s.dkg !== null) requeued = { ...requeued, dkgQueued: true };
    else if (s.sign !== null && s.sign.purpose === 'sign')
      // Under the key it began with: its messages are the sighashes of inputs that key locks.
      requeued = { ...requeued, queue: [{ ...s.sign.body, dkgId: s.sign.key.dkgId }, ...s.queue] };
    return { state: requeued, effects: [...effects, ...d.effects, { type: 'persist' }] };
  }
  if (!isActive(s)) return { state: s, effects: [] };
  if (id === HEARTBEAT_TIMER) return onHeartbeatTimer(s, env);
  if (id === RESEND_TIMER) {
    const effects: CEffect[] = [];
    if (s.sign !== null) effects.push(...resendSign(s), ...resendResults(s));
    else if (s.dkg !== null) effects.push(...resendDkg(s, env));
    else return { state: s, effects: [] };
    effects.push({ type: 'set-timer', id: RESEND_TIMER, at: env.now + resendEvery(s) });
    return { state: s, effects };
  }
  if (id !== `deadline:${s.deadline}`) return { state: s, effects: [] }; // stale timer
  if (s.sign !== null) return finishSign(onSignDeadline(s, env), env);
  if (s.dkg !== null) return onDkgDeadline(s, env);
  return { state: s, effects: [] };
}

/**
 * The active coordinator's heartbeat: a broadcast when it has sent nothing for `heartbeatEvery`,
 * so that an idle federation keeps it (signers and backups count any coordinator kind from the
 * active one as hearing it). Sending updates `lastHeardAt` (coordinatorStep), which times the
 * next one. A coordinator that is not active lets the timer lapse: a new tip or a takeover arms it.
 */
function onHeartbeatTimer(s: CoordinatorState, env: Env): Out {
  const takeover = s.config.federation.timeouts.takeover;
  const every = heartbeatEvery(takeover);
  // Silent for a whole takeover (this process was down): the others have moved on, which a
  // heartbeat now would not undo; the overdue takeover timer counts it (onTakeoverTimer).
  if (env.now - s.view.lastHeardAt >= takeover)
    return { state: s, effects: [{ type: 'set-timer', id: HEARTBEAT_TIMER, at: env.now + every }] };
  if (env.now - s.view.lastHeardAt < every)
    return {
      state: s,
      effects: [{ type: 'set-timer', id: HEARTBEAT_TIMER, at: s.view.lastHeardAt + every }],
    };
  // Persisted with the `lastHeardAt` it sets: a restart then knows it spoke until just now.
  return {
    state: s,
    effects: [
      { type: 'persist' },
      broadcast({ kind: 'coordinator-heartbeat', payload: {} }),
      { type: 'set-timer', id: HEARTBEAT_TIMER, at: env.now + every },
    ],
  };
}

/** Routes the end of a signing run: DKG verification, or a peg-out outcome. */
function finishSign(out: SignOut, env: Env): Out {
  if (out.end === undefined) return out;
  if (out.end.run.purpose === 'dkg-verification' && out.state.dkg !== null) {
    const r = onVerificationEnd(out.state, out.end, env);
    return { state: r.state, effects: [...out.effects, ...r.effects] };
  }
  return { state: out.state, effects: [...out.effects, signReport(out.end)] };
}

function onMessage(s: CoordinatorState, e: WireEnvelope, env: Env): Out {
  const from = e.sender.partyId;
  if (isCoordinatorKind(e.kind)) {
    // Only the active coordinator, speaking for a tip near ours, moves anything here: any member
    // can seal a coordinator kind, and a stale one may be a replay.
    if (from !== activeOf(s.view, s.config.federation.parties) || from === s.config.id)
      return { state: s, effects: [] };
    if (tipRefusal(s.view, e.chainTip) !== null) return { state: s, effects: [] };
    // It is not silent.
    let next: CoordinatorState = { ...s, view: { ...s.view, lastHeardAt: env.now } };
    // Mirror its DKG ids (so a takeover continues above them), within the window signers accept
    // from it. Sign ids are scoped to it: ours start over when we take over, nothing to mirror.
    if (
      e.kind === 'dkg-begin' &&
      e.dkgId > next.maxDkgId &&
      e.dkgId <= next.maxDkgId + DKG_IDS_PER_SCOPE
    )
      next = { ...next, maxDkgId: e.dkgId };
    // It published a verified key: our queued DKG request is served.
    if (e.kind === 'public-address-available') next = { ...next, dkgQueued: false };
    // A heartbeat is persisted (as by signers): a restart while idle resumes with it heard.
    return {
      state: next,
      effects: e.kind === 'coordinator-heartbeat' ? [{ type: 'persist' }] : [],
    };
  }
  if (!isActive(s)) return { state: s, effects: [] };
  switch (e.kind) {
    case 'dkg-public-shares':
      return onDkgPublicShares(s, e, env);
    case 'dkg-private-shares':
      return onDkgPrivateShares(s, e, env);
    case 'dkg-end':
      return onDkgEnd(s, e, env);
    case 'dkg-query-response':
      return onDkgQueryResponse(s, e, env);
    case 'nonce-response':
      return finishSign(onNonceResponse(s, e, env), env);
    case 'signature-share-response':
      return finishSign(onShareResponse(s, e, env), env);
    default:
      return { state: s, effects: [] };
  }
}

/**
 * Validates a peg-out command at the boundary (throws RangeError naming the field). A named key
 * must be one this coordinator holds (current or retained).
 */
function signCommand(s: CoordinatorState, c: SignCommand): SignCommand {
  const hex = (x: unknown, bytes?: number) =>
    typeof x === 'string' &&
    x.length % 2 === 0 &&
    /^[0-9a-f]*$/.test(x) &&
    (bytes === undefined || x.length === bytes * 2);
  if (!Array.isArray(c.messages) || c.messages.length === 0 || !c.messages.every((m) => hex(m, 32)))
    throw new RangeError('"messages" expected one or more 32-byte hex sighashes');
  if (!hex(c.unsignedTransaction) || c.unsignedTransaction.length === 0)
    throw new RangeError('"unsignedTransaction" expected non-empty hex');
  const ids = c.withdrawalRequestIds;
  if (
    !Array.isArray(ids) ||
    !ids.every((x, i) => Number.isSafeInteger(x) && x >= 0 && (i === 0 || x > ids[i - 1]!))
  )
    throw new RangeError(
      '"withdrawalRequestIds" expected strictly ascending non-negative integers',
    );
  const t = c.tweak;
  if (t?.type !== 'taproot' || !(t.merkleRoot === null || hex(t.merkleRoot, 32)))
    throw new RangeError('"tweak" expected { type: "taproot", merkleRoot: null | 32-byte hex }');
  const body: SignCommand = {
    messages: [...c.messages],
    withdrawalRequestIds: [...ids],
    unsignedTransaction: c.unsignedTransaction,
    tweak: { type: 'taproot', merkleRoot: t.merkleRoot },
  };
  if (c.dkgId === undefined) return body;
  if (!Number.isSafeInteger(c.dkgId) || c.dkgId < 1)
    throw new RangeError('"dkgId" expected a positive integer');
  if (keyOfDkg(s.key, s.previous, c.dkgId) === null)
    throw new RangeError(`"dkgId" ${c.dkgId} names no key this coordinator holds`);
  return { ...body, dkgId: c.dkgId };
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
  // A peg-out naming a retained key needs no current one (an epoch's machine starts with the keys
  // of the epoch before it, and its own DKG may not have run yet).
  if (next === undefined || (next.dkgId === undefined && s.key === null)) return out;
  const { dkgId, ...body } = next;
  const key = dkgId === undefined ? s.key : keyOfDkg(s.key, s.previous, dkgId);
  if (key === null) {
    // Its key was dropped while it waited (more than RETAINED_KEYS newer keys): it cannot sign.
    const dropped: Out = {
      state: { ...s, queue: rest },
      effects: [
        ...out.effects,
        { type: 'persist' },
        report({
          kind: 'unknown-key',
          dkgId: dkgId!,
          withdrawalRequestIds: body.withdrawalRequestIds,
        }),
      ],
    };
    return drive(dropped, env);
  }
  const r = startSign({ ...s, queue: rest }, key, 'sign', body, env);
  return { state: r.state, effects: [...out.effects, ...r.effects] };
}

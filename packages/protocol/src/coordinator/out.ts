/** Small helpers to build coordinator transitions. */
import type { Outgoing, WireEnvelope } from '../envelopes.ts';
import type { Address, Effect } from '../machine.ts';
import type { CoordinatorReport } from './reports.ts';
import type { CoordinatorState } from './state.ts';

export type CEffect = Effect<CoordinatorReport>;
export type Out = { state: CoordinatorState; effects: CEffect[] };

/** Timer id of the resend tick (a `set-timer` with an existing id replaces that timer). */
export const RESEND_TIMER = 'resend';

export const send = (to: Address, message: Outgoing): CEffect => ({ type: 'send', to, message });
export const broadcast = (message: Outgoing): CEffect => send({ kind: 'broadcast' }, message);
export const toSigner = (id: number, message: Outgoing): CEffect =>
  send({ kind: 'signer', id }, message);
/** One message for several signers (sealed and posted once); none for an empty list. */
export const toSigners = (ids: readonly number[], message: Outgoing): CEffect[] =>
  ids.length === 0
    ? []
    : [
        ids.length === 1
          ? toSigner(ids[0]!, message)
          : send({ kind: 'signers', ids: [...ids] }, message),
      ];
/** Another party's envelope, posted unchanged to one signer (it lost the broadcast). */
export const forward = (id: number, envelope: WireEnvelope): CEffect => ({
  type: 'forward',
  to: { kind: 'signer', id },
  envelope,
});
/** Another party's envelope for several signers at once; none for an empty list. */
export const forwardTo = (ids: readonly number[], envelope: WireEnvelope): CEffect[] =>
  ids.length === 0
    ? []
    : [
        ids.length === 1
          ? forward(ids[0]!, envelope)
          : { type: 'forward', to: { kind: 'signers', ids: [...ids] }, envelope },
      ];
export const report = (r: CoordinatorReport): CEffect => ({ type: 'report', report: r });

/** Arms a new phase's deadline (cancelling the previous one) and the resend tick; persists. */
export function arm(s: CoordinatorState, tag: string, at: number, now: number): Out {
  const effects: CEffect[] = [];
  if (s.deadline !== null) effects.push({ type: 'cancel-timer', id: `deadline:${s.deadline}` });
  effects.push({ type: 'set-timer', id: `deadline:${tag}`, at });
  const phase = { from: now, until: at };
  effects.push({ type: 'set-timer', id: RESEND_TIMER, at: now + resendEvery({ ...s, phase }) });
  // Every phase change is durable (with its timers) before the phase's request goes out, so a
  // restarted coordinator resumes the phase and its resend tick recovers the answers it lost.
  effects.push({ type: 'persist' });
  return { state: { ...s, deadline: tag, phase }, effects };
}

/**
 * The resend interval of the armed phase: `resend`, or 1/8 of the phase's span if longer. A
 * phase of the default length keeps the fixed tick (a lossy network needs its retries before the
 * deadline); a long one (set for slow parties) does not flood parties that are only slow. A
 * resend re-seals the request and the party re-answers it: with 250 ms ticks in 10 s phases, 15
 * processes on two cores spent most of a signing round re-sealing and re-opening the same
 * requests and answers, and a 15-signer DKG forwarded every peer's dealing to every laggard on
 * each tick.
 */
export function resendEvery(s: CoordinatorState): number {
  const every = s.config.federation.timeouts.resend;
  const phase = s.phase;
  if (phase === undefined || phase === null) return every;
  return Math.max(every, Math.floor((phase.until - phase.from) / 8));
}

/** Disarms the phase deadline and the resend tick (a run ended). */
export function disarm(s: CoordinatorState): Out {
  const effects: CEffect[] = [{ type: 'cancel-timer', id: RESEND_TIMER }];
  if (s.deadline !== null) effects.push({ type: 'cancel-timer', id: `deadline:${s.deadline}` });
  return { state: { ...s, deadline: null, phase: null }, effects };
}

/** Concatenates transitions. (Not named `then`: a module exporting `then` is a thenable.) */
export function chain(a: Out, f: (s: CoordinatorState) => Out): Out {
  const b = f(a.state);
  return { state: b.state, effects: [...a.effects, ...b.effects] };
}

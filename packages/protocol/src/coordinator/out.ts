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
/** Another party's envelope, posted unchanged to one signer (it lost the broadcast). */
export const forward = (id: number, envelope: WireEnvelope): CEffect => ({
  type: 'forward',
  to: { kind: 'signer', id },
  envelope,
});
export const report = (r: CoordinatorReport): CEffect => ({ type: 'report', report: r });

/** Arms a new phase's deadline (cancelling the previous one) and the resend tick; persists. */
export function arm(s: CoordinatorState, tag: string, at: number, now: number): Out {
  const effects: CEffect[] = [];
  if (s.deadline !== null) effects.push({ type: 'cancel-timer', id: `deadline:${s.deadline}` });
  effects.push({ type: 'set-timer', id: `deadline:${tag}`, at });
  effects.push({
    type: 'set-timer',
    id: RESEND_TIMER,
    at: now + s.config.federation.timeouts.resend,
  });
  // Every phase change is durable (with its timers) before the phase's request goes out, so a
  // restarted coordinator resumes the phase and its resend tick recovers the answers it lost.
  effects.push({ type: 'persist' });
  return { state: { ...s, deadline: tag }, effects };
}

/** Disarms the phase deadline and the resend tick (a run ended). */
export function disarm(s: CoordinatorState): Out {
  const effects: CEffect[] = [{ type: 'cancel-timer', id: RESEND_TIMER }];
  if (s.deadline !== null) effects.push({ type: 'cancel-timer', id: `deadline:${s.deadline}` });
  return { state: { ...s, deadline: null }, effects };
}

/** Concatenates transitions. (Not named `then`: a module exporting `then` is a thenable.) */
export function chain(a: Out, f: (s: CoordinatorState) => Out): Out {
  const b = f(a.state);
  return { state: b.state, effects: [...a.effects, ...b.effects] };
}

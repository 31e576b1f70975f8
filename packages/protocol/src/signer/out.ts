/** Small helpers to build signer transitions. */
import type { Outgoing } from '../envelopes.ts';
import type { Address, Effect } from '../machine.ts';
import { activeOf } from '../selection.ts';
import type { RefusalReason, SignerReport } from './reports.ts';
import type { SignerState } from './state.ts';

export type Out = { state: SignerState; effects: Effect<SignerReport>[] };

/** Answers go to the active coordinator (the one whose request is being answered). */
export const toCoordinator = (s: SignerState): Address => ({
  kind: 'coordinator',
  id: activeOf(s.view, s.config.federation.parties) ?? 0,
});

export const send = (to: Address, message: Outgoing): Effect<SignerReport> => ({
  type: 'send',
  to,
  message,
});

type RefusalDetails = Omit<Extract<SignerReport, { kind: 'refused' }>, 'kind' | 'reason'>;

/** A refusal report (what was refused and why; never a secret). */
export const refusal = (
  reason: RefusalReason,
  details: RefusalDetails = {},
): Effect<SignerReport> => ({
  type: 'report',
  report: { kind: 'refused', reason, ...details },
});

/** Nothing changes; the refusal is reported. */
export const refused = (s: SignerState, reason: RefusalReason, details?: RefusalDetails): Out => ({
  state: s,
  effects: [refusal(reason, details)],
});

/** Nothing changes: the message is not for the current state (old, unknown, not ours). */
export function ignored(
  s: SignerState,
  reason: 'old-id' | 'not-current' | 'unknown-sender' | 'wrong-layout',
  what: string,
): Out {
  return { state: s, effects: [{ type: 'report', report: { kind: 'ignored', reason, what } }] };
}

/**
 * Coordinator selection: deterministic from the Bitcoin chain tip and the sorted signer set
 * (as the production sBTC signer: index = u32be(sha256(tip)[0..4]) mod n over the signer keys
 * sorted ascending), extended with a takeover order: after `attempt` silent periods the next
 * signer in the sorted ring is active.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { sha256Hex } from './digests.ts';
import type { PartyInfo } from './federation.ts';
import type { Hex } from './hex.ts';

/** Party ids in takeover order for this tip: element 0 is the first active coordinator. */
export function coordinatorOrder(tip: Hex, parties: readonly PartyInfo[]): number[] {
  if (!/^[0-9a-f]{64}$/.test(tip)) throw new RangeError('"tip" expected 32-byte hex');
  if (parties.length === 0) throw new RangeError('"parties" expected at least one party');
  const sorted = [...parties].sort((a, b) =>
    a.publicKey < b.publicKey ? -1 : a.publicKey > b.publicKey ? 1 : 0,
  );
  const h = hexToBytes(sha256Hex(tip));
  const start = new DataView(h.buffer, h.byteOffset, 4).getUint32(0, false) % sorted.length;
  const order: number[] = [];
  for (let i = 0; i < sorted.length; i++) order.push(sorted[(start + i) % sorted.length]!.id);
  return order;
}

/** The active coordinator for `tip` after `attempt` takeovers. */
export function activeCoordinator(
  tip: Hex,
  parties: readonly PartyInfo[],
  attempt: number,
): number {
  const order = coordinatorOrder(tip, parties);
  return order[attempt % order.length]!;
}

/**
 * What each machine tracks to know the active coordinator: the tip, how many takeovers happened
 * since it was seen, and when the active coordinator was last heard from.
 */
export type CoordinatorView = {
  tip: Hex | null;
  /** Height of `tip` (0 before the first tip): the reference for chain-tip freshness. */
  height: number;
  attempt: number;
  lastHeardAt: number;
};

/** The initial view (no tip yet: nobody is active). */
export const initialView: CoordinatorView = { tip: null, height: 0, attempt: 0, lastHeardAt: 0 };

/** Active coordinator id under `view`, or null before the first tip. */
export function activeOf(view: CoordinatorView, parties: readonly PartyInfo[]): number | null {
  return view.tip === null ? null : activeCoordinator(view.tip, parties, view.attempt);
}

export const TAKEOVER_TIMER = 'coordinator-takeover';
/** The active coordinator's heartbeat timer (a coordinator machine's only). */
export const HEARTBEAT_TIMER = 'coordinator-heartbeat';

/**
 * How long an active coordinator may stay silent before it sends a heartbeat: a third of the
 * takeover timeout, so that one lost heartbeat does not cost it the role.
 */
export const heartbeatEvery = (takeover: number): number => Math.max(1, Math.floor(takeover / 3));

/** A new chain tip: the first in line becomes active and the silence clock restarts. */
export function onTip(
  view: CoordinatorView,
  tip: Hex,
  height: number,
  now: number,
): CoordinatorView {
  if (view.tip === tip && view.height === height) return view;
  return { tip, height, attempt: 0, lastHeardAt: now };
}

/**
 * The takeover timer fired: if the active coordinator has been silent for `takeover` ms, the next
 * one in line becomes active. Returns the new view and when to check again.
 *
 * A timer that fires more than `takeover / 10` after it was due means this process was not
 * running (a restart re-arms its overdue timers, which fire at once): the silence it missed is
 * its own downtime, not the active coordinator's, so its clock starts again instead. Counting
 * it would put the restarted process alone on a later coordinator until the next block. Unless
 * `self` is that active coordinator: then the silence was its own, the others took over, and it
 * takes the same step they did.
 */
export function onTakeoverTimer(
  view: CoordinatorView,
  now: number,
  takeover: number,
  self: 'active' | 'other' = 'other',
): { view: CoordinatorView; next: number } {
  const late = now - view.lastHeardAt >= takeover + Math.floor(takeover / 10);
  if (view.tip !== null && late && self === 'other')
    return { view: { ...view, lastHeardAt: now }, next: now + takeover };
  if (view.tip !== null && now - view.lastHeardAt >= takeover) {
    const v = { ...view, attempt: view.attempt + 1, lastHeardAt: now };
    return { view: v, next: now + takeover };
  }
  return { view, next: view.lastHeardAt + takeover };
}

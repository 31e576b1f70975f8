/**
 * Chain-tip freshness of coordinator messages. Every envelope carries its sender's view of the
 * Bitcoin tip (signed); the active coordinator is chosen from the tip, so a coordinator-only
 * message is only meaningful near the receiver's own tip. Members' answers (and the DKG
 * messages the coordinator forwards unchanged, which keep their original tip) are bound by their
 * session ids instead and are not checked here.
 */
import type { CoordinatorView } from './selection.ts';

/** Blocks a coordinator message's tip may lag the receiver's (it sealed just before a block). */
export const TIP_LAG_BLOCKS = 1;
/** Blocks a coordinator message's tip may lead the receiver's (it saw the block first). */
export const TIP_LEAD_BLOCKS = 1;

/** Why a coordinator message's tip is refused. */
export type TipRefusal = 'no-tip' | 'stale-tip' | 'future-tip' | 'other-fork';

/**
 * Null when `tip` is fresh for `view`: within [height - TIP_LAG_BLOCKS, height + TIP_LEAD_BLOCKS],
 * and the same block at the same height. A stale tip is a replay or a coordinator that lost the
 * chain; a future one cannot be checked yet (the resend brings it again once we have the block).
 */
export function tipRefusal(
  view: CoordinatorView,
  tip: { height: number; hash: string },
): TipRefusal | null {
  if (view.tip === null) return 'no-tip';
  if (tip.height < view.height - TIP_LAG_BLOCKS) return 'stale-tip';
  if (tip.height > view.height + TIP_LEAD_BLOCKS) return 'future-tip';
  if (tip.height === view.height && tip.hash !== view.tip) return 'other-fork';
  return null;
}

/** Validates a `chain-tip` input from the shell (throws RangeError naming the field). */
export function assertTipInput(input: { tip: unknown; height: unknown }): void {
  if (typeof input.tip !== 'string' || !/^[0-9a-f]{64}$/.test(input.tip))
    throw new RangeError('"tip" expected 32-byte hex');
  const h = input.height;
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h > 0xffff_ffff)
    throw new RangeError('"height" expected an integer in 0..2^32-1');
}

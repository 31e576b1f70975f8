/** The sequence of a party's next key announcement (the integrator's rule for issue 13). */

/** Largest sequence the wire carries (a u32: unix seconds until 2106). */
export const MAX_ANNOUNCEMENT_SEQUENCE = 0xffff_ffff;

/**
 * max(floor(unix seconds), last known + 1): increasing across rotations and restarts without a
 * counter to persist (a clock behind the last announcement still moves forward). `last` is the
 * party's current accepted sequence, if any. Throws a RangeError past the u32 range.
 */
export function nextAnnouncementSequence(nowMs: number, last?: number): number {
  if (!Number.isFinite(nowMs) || nowMs < 0)
    throw new RangeError(`"nowMs" expected >= 0, got ${nowMs}`);
  const next = Math.max(Math.floor(nowMs / 1000), (last ?? 0) + 1, 1);
  if (next > MAX_ANNOUNCEMENT_SEQUENCE)
    throw new RangeError(`announcement sequence ${next} is past the u32 range`);
  return next;
}

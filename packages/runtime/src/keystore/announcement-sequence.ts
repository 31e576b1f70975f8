/** Largest `key-announcement` sequence the wire format carries (u32, see @peg/wire). */
export const MAX_ANNOUNCEMENT_SEQUENCE = 0xffff_ffff;

/**
 * The sequence of a new `key-announcement`: `max(floor(nowMs / 1000), lastKnown + 1)`.
 * Unix seconds grow by themselves, so there is no counter to persist and a restored backup
 * still announces above what peers saw; `lastKnown` (the highest sequence peers accepted for
 * this party, if known) keeps it strictly increasing when two rotations fall in one second or
 * the clock went back. Throws past the u32 range the wire carries (the year 2106).
 */
export function announcementSequence(nowMs: number, lastKnown?: number): number {
  if (!Number.isFinite(nowMs) || nowMs < 0) {
    throw new RangeError(`announcementSequence: nowMs must be a non-negative time, got ${nowMs}`);
  }
  if (
    lastKnown !== undefined &&
    (!Number.isInteger(lastKnown) || lastKnown < 0 || lastKnown > MAX_ANNOUNCEMENT_SEQUENCE)
  ) {
    throw new RangeError(
      `announcementSequence: lastKnown must be an integer 0..${MAX_ANNOUNCEMENT_SEQUENCE}, got ${lastKnown}`,
    );
  }
  const sequence = Math.max(Math.floor(nowMs / 1000), (lastKnown ?? 0) + 1);
  if (sequence > MAX_ANNOUNCEMENT_SEQUENCE) {
    throw new RangeError(`announcementSequence: ${sequence} exceeds the u32 range of the wire`);
  }
  return sequence;
}

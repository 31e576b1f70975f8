import { describe, expect, it } from 'vitest';
import { MAX_ANNOUNCEMENT_SEQUENCE, nextAnnouncementSequence } from './sequence.ts';

describe('nextAnnouncementSequence', () => {
  it.each([
    [1_700_000_000_999, undefined, 1_700_000_000],
    [1_700_000_000_000, 1_600_000_000, 1_700_000_000],
    [1_700_000_000_000, 1_700_000_000, 1_700_000_001], // twice in one second
    [1_700_000_000_000, 1_800_000_000, 1_800_000_001], // a clock behind the last one
    [0, undefined, 1], // the wire's minimum
  ])('now %i ms, last %s -> %i', (now, last, expected) => {
    expect(nextAnnouncementSequence(now, last)).toBe(expected);
  });
  it('refuses a bad clock and the end of the u32 range', () => {
    expect(() => nextAnnouncementSequence(Number.NaN)).toThrow(/nowMs/);
    expect(() => nextAnnouncementSequence(1, MAX_ANNOUNCEMENT_SEQUENCE)).toThrow(/u32/);
  });
});

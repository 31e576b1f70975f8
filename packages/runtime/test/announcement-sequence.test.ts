import { describe, expect, it } from 'vitest';
import {
  announcementSequence,
  MAX_ANNOUNCEMENT_SEQUENCE,
} from '../src/keystore/announcement-sequence.ts';

describe('announcementSequence', () => {
  it('is the unix second when that is above what peers know', () => {
    expect(announcementSequence(1_796_233_083_842)).toBe(1_796_233_083);
    expect(announcementSequence(1_796_233_083_842, 1_796_233_082)).toBe(1_796_233_083);
    expect(announcementSequence(1_796_233_083_999, 5)).toBe(1_796_233_083);
  });

  it('is last known + 1 within the same second or after the clock went back', () => {
    expect(announcementSequence(1_796_233_083_842, 1_796_233_083)).toBe(1_796_233_084);
    expect(announcementSequence(1_000_000, 1_796_233_090)).toBe(1_796_233_091);
    // Two rotations in one second stay strictly increasing.
    const first = announcementSequence(1_796_233_083_100);
    expect(announcementSequence(1_796_233_083_900, first)).toBe(first + 1);
  });

  it('is at least 1 (the wire refuses 0)', () => {
    expect(announcementSequence(0)).toBe(1);
    expect(announcementSequence(999)).toBe(1);
  });

  it('refuses values outside the u32 the wire carries and bad inputs', () => {
    expect(() => announcementSequence(0, MAX_ANNOUNCEMENT_SEQUENCE)).toThrow(RangeError);
    expect(() => announcementSequence((MAX_ANNOUNCEMENT_SEQUENCE + 1) * 1000)).toThrow(/u32/);
    expect(announcementSequence(0, MAX_ANNOUNCEMENT_SEQUENCE - 1)).toBe(MAX_ANNOUNCEMENT_SEQUENCE);
    expect(() => announcementSequence(Number.NaN)).toThrow(/nowMs/);
    expect(() => announcementSequence(-1)).toThrow(/nowMs/);
    expect(() => announcementSequence(0, 1.5)).toThrow(/lastKnown/);
    expect(() => announcementSequence(0, -1)).toThrow(/lastKnown/);
  });
});

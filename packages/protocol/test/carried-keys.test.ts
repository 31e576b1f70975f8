import { describe, expect, it } from 'vitest';
import { carryKeys, RETAINED_KEYS } from '../src/retained-keys.ts';

// Keys are their group keys; DKG ids are only their names on the wire.
const k = (dkgId: number, groupKey: string) => ({ dkgId, pub: { groupKey } });
const fresh = { current: null, previous: [], busyIds: [], maxDkgId: 0 };
const names = (r: { previous: { dkgId: number; pub: { groupKey: string } }[] }) =>
  r.previous.map((x) => `${x.pub.groupKey}@${x.dkgId}`);

describe('carryKeys: another epoch’s keys joining a state', () => {
  it('a fresh state takes them in order, and its DKG ids continue above them', () => {
    const r = carryKeys(fresh, { keys: [k(3, 'X3'), k(1, 'X1')], maxDkgId: 4 });
    expect(names(r)).toEqual(['X3@3', 'X1@1']);
    expect(r.maxDkgId).toBe(4);
    // Without the epoch's counter, the highest carried id is the floor.
    expect(carryKeys(fresh, { keys: [k(3, 'X3')], maxDkgId: 0 }).maxDkgId).toBe(3);
  });

  it('a restored state: carried keys first, no duplicate by group key, own ids win', () => {
    const held = {
      current: k(2, 'A2'),
      previous: [k(1, 'A1')],
      busyIds: [5],
      maxDkgId: 5,
    };
    const r = carryKeys(held, {
      // B's keys: its own (7, 6), then what it carried from A (A2 current there, A1).
      keys: [k(7, 'B7'), k(6, 'B6'), k(2, 'A2'), k(1, 'A1'), k(5, 'OLD5'), k(1, 'OTHER1')],
      maxDkgId: 8,
    });
    // A2 is the current key (not retained twice); OLD5 takes a DKG id in use here; OTHER1 names
    // another key with A1's id: both left out, so a DKG id here names one key only.
    expect(names(r)).toEqual(['B7@7', 'B6@6', 'A1@1']);
    expect(r.maxDkgId).toBe(8);
    const ids = r.previous.map((x) => x.dkgId);
    expect(new Set([...ids, 2, 5]).size).toBe(ids.length + 2);
  });

  it(`at most ${RETAINED_KEYS}, the oldest dropped; the counter still covers them`, () => {
    const many = Array.from({ length: RETAINED_KEYS + 3 }, (_, i) => k(20 - i, `K${20 - i}`));
    const r = carryKeys({ ...fresh, previous: [k(1, 'OWN1')] }, { keys: many, maxDkgId: 20 });
    expect(r.previous).toHaveLength(RETAINED_KEYS);
    expect(names(r)).toEqual(
      many.slice(0, RETAINED_KEYS).map((x) => `${x.pub.groupKey}@${x.dkgId}`),
    );
    expect(r.maxDkgId).toBe(20);
  });

  it('nothing carried: the state is as it was', () => {
    const held = { current: k(2, 'A2'), previous: [k(1, 'A1')], busyIds: [], maxDkgId: 2 };
    expect(carryKeys(held, { keys: [], maxDkgId: 0 })).toEqual({
      previous: [k(1, 'A1')],
      maxDkgId: 2,
    });
  });
});

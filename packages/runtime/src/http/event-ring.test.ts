import { describe, expect, test } from 'vitest';
import { EventRing } from './event-ring.ts';

const fill = (ring: EventRing, n: number) =>
  Array.from({ length: n }, (_, i) => ring.append('e', String(i + 1)));

describe('EventRing', () => {
  test('ids are <epoch>-<seq> from 1; a new client replays nothing', () => {
    const ring = new EventRing(4, 'ab12');
    expect(fill(ring, 2).map((e) => e.id)).toEqual(['ab12-1', 'ab12-2']);
    expect(ring.since(undefined)).toEqual({ events: [], complete: true });
  });

  test('resumes after a retained id with exactly the later events', () => {
    const ring = new EventRing(4, 'e');
    fill(ring, 6); // retains 3..6
    expect(ring.since('e-2').events.map((e) => e.data)).toEqual(['3', '4', '5', '6']);
    expect(ring.since('e-2').complete).toBe(true);
    expect(ring.since('e-5').events.map((e) => e.data)).toEqual(['6']);
    expect(ring.since('e-6')).toEqual({ events: [], complete: true });
  });

  test('an evicted, foreign, future or malformed id gets everything retained, marked lost', () => {
    const ring = new EventRing(4, 'e');
    fill(ring, 6);
    for (const id of ['e-1', 'f-5', 'e-7', 'e-0', 'e-01', 'garbage', '', 'e-5-1']) {
      const r = ring.since(id);
      expect(r.complete, id).toBe(false);
      expect(r.events.map((e) => e.data)).toEqual(['3', '4', '5', '6']);
    }
  });

  test('bounded: memory holds capacity events however many are appended', () => {
    const ring = new EventRing(3, 'e');
    fill(ring, 10_000);
    expect(ring.retained().map((e) => e.id)).toEqual(['e-9998', 'e-9999', 'e-10000']);
  });

  test('bad construction is refused', () => {
    expect(() => new EventRing(0, 'e')).toThrow(RangeError);
    expect(() => new EventRing(2, 'E-1')).toThrow(RangeError);
  });
});

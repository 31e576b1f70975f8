import { describe, expect, it } from 'vitest';
import { activeCoordinator, coordinatorOrder, onTakeoverTimer, onTip } from './selection.ts';

const parties = [5, 3, 9, 1].map((id) => ({
  id,
  keyIds: [id],
  publicKey: (id * 17).toString(16).padStart(64, '0'),
}));
const tip = 'ab'.repeat(32);

describe('coordinator selection', () => {
  it('is deterministic from the tip and independent of the input order', () => {
    const a = coordinatorOrder(tip, parties);
    const b = coordinatorOrder(tip, [...parties].reverse());
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(parties.length);
  });

  it('walks the sorted ring on takeover', () => {
    const order = coordinatorOrder(tip, parties);
    for (let i = 0; i < 8; i++) expect(activeCoordinator(tip, parties, i)).toBe(order[i % 4]);
  });

  it('different tips spread the role', () => {
    const firsts = new Set<number>();
    for (let i = 0; i < 64; i++)
      firsts.add(coordinatorOrder(i.toString(16).padStart(64, '0'), parties)[0]!);
    expect(firsts.size).toBe(4);
  });

  it('takes over only after the silence timeout', () => {
    let view = onTip({ tip: null, height: 0, attempt: 0, lastHeardAt: 0 }, tip, 100, 1000);
    let r = onTakeoverTimer(view, 1500, 1000);
    expect(r.view.attempt).toBe(0);
    expect(r.next).toBe(2000);
    r = onTakeoverTimer(view, 2000, 1000);
    expect(r.view.attempt).toBe(1);
    view = { ...r.view, lastHeardAt: 2500 };
    expect(onTakeoverTimer(view, 3000, 1000).view.attempt).toBe(1);
  });

  it('a timer firing more than a tenth of the timeout late (a restart) restarts the clock', () => {
    const view = onTip({ tip: null, height: 0, attempt: 0, lastHeardAt: 0 }, tip, 100, 1000);
    // Due at 2000; at 2099 it is on time and the next one takes over.
    expect(onTakeoverTimer(view, 2099, 1000).view.attempt).toBe(1);
    // At 2100 or later the process was not running: no takeover, the clock restarts.
    const r = onTakeoverTimer(view, 9000, 1000);
    expect(r.view).toEqual({ ...view, lastHeardAt: 9000 });
    expect(r.next).toBe(10_000);
    // Still silent a whole timeout after the restart: now it takes over.
    expect(onTakeoverTimer(r.view, 10_000, 1000).view.attempt).toBe(1);
    // The active coordinator itself was the one down: the others took over; so does it.
    expect(onTakeoverTimer(view, 9000, 1000, 'active').view.attempt).toBe(1);
  });

  it('rejects a malformed tip', () => {
    expect(() => coordinatorOrder('zz', parties)).toThrow(RangeError);
  });
});

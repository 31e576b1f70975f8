import { describe, expect, it } from 'vitest';
import { readWithWait } from './long-poll.ts';
import type { RelayStore } from './store/types.ts';

/** A store whose arrivals are fired by the test, and whose reads follow a script. */
function fakeStore() {
  const listeners = new Set<() => void>();
  const store = {
    onArrival: (_inbox: string, l: () => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  } as unknown as RelayStore;
  const arrive = (): void => {
    for (const l of [...listeners]) l();
  };
  return { store, arrive, listeners };
}

describe('long-poll read', () => {
  it('an arrival announced before the message is readable: retried until it is', async () => {
    const { store, arrive, listeners } = fakeStore();
    let readable = false;
    let reads = 0;
    const read = async () => {
      reads++;
      return readable ? ['m'] : [];
    };
    const t0 = Date.now();
    const got = readWithWait(store, '2', 10_000, [], read, Date.now);
    await new Promise((r) => setTimeout(r, 20));
    arrive(); // announced, not yet committed
    await new Promise((r) => setTimeout(r, 30));
    readable = true; // committed: no second announcement
    expect(await got).toEqual(['m']);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(reads).toBeGreaterThan(2);
    expect(listeners.size).toBe(0);
  });

  it('nothing arrives: one read at the start, one at the time limit', async () => {
    const { store } = fakeStore();
    let reads = 0;
    const t0 = Date.now();
    const got = await readWithWait(
      store,
      '2',
      120,
      [],
      async () => {
        reads++;
        return [] as string[];
      },
      Date.now,
    );
    expect(got).toEqual([]);
    expect(reads).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(110);
  });

  it('the client going away ends the wait at once', async () => {
    const { store } = fakeStore();
    const gone = new AbortController();
    const got = readWithWait(
      store,
      '2',
      10_000,
      [gone.signal],
      async () => [] as string[],
      Date.now,
    );
    setTimeout(() => gone.abort(), 10);
    expect(await got).toEqual([]);
  });
});

describe('long-poll read after an arrival with nothing to read', () => {
  it('retries for well under a second, then waits quietly for the next arrival or the limit', async () => {
    const { store, arrive } = fakeStore();
    let reads = 0;
    const got = readWithWait(
      store,
      '2',
      1_500,
      [],
      async () => {
        reads++;
        return [] as string[];
      },
      Date.now,
    );
    await new Promise((r) => setTimeout(r, 10));
    arrive(); // e.g. a deduplicated retry announced
    expect(await got).toEqual([]);
    // 1 first read + 1 after the arrival + the backoff (5..320 ms: 7 more) + 1 at the limit.
    expect(reads).toBeLessThanOrEqual(11);
    expect(reads).toBeGreaterThanOrEqual(4);
  });
});

describe('long-poll read on the injected clock', () => {
  it('the wait ends when the app clock passes its deadline, whatever the wall clock says', async () => {
    const { store, arrive } = fakeStore();
    let now = 1_800_000_000_000;
    let reads = 0;
    const got = readWithWait(
      store,
      '2',
      60_000,
      [],
      async () => {
        reads++;
        return [] as string[];
      },
      () => now,
    );
    await new Promise((r) => setTimeout(r, 10));
    now += 60_001; // the app's clock passed the deadline
    arrive(); // anything that wakes the wait: it must now end instead of waiting on
    const outcome = await Promise.race([
      got,
      new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 2_000)),
    ]);
    expect(outcome).toEqual([]);
    expect(reads).toBe(2);
  });
});

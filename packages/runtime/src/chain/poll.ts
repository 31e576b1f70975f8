import { type Backoff, backoffDelay, DEFAULT_BACKOFF } from '../relay/backoff.ts';
import { sleep as defaultSleep } from '../sleep.ts';

export type PollOptions<T> = {
  /** Reads the current value; gets the last one so it can skip work when nothing moved. */
  read: (last: T | undefined) => Promise<T>;
  /** Whether two reads are the same value (no change to report). */
  same: (a: T, b: T) => boolean;
  /** Called with the first value and with every change, in order; awaited before the next read. */
  onChange: (value: T) => void | Promise<void>;
  /** Called after every successful read, changed or not (when the source last answered). */
  onRead?: (value: T) => void;
  /** Called with each failed read; the poll goes on with backoff. */
  onError?: (err: unknown) => void;
  /** Time between reads, ms. */
  intervalMs: number;
  /** Delays after consecutive failures (default 100 ms doubling to 10 s, with jitter). */
  backoff?: Backoff;
  random?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Stops the poll. */
  signal: AbortSignal;
};

/**
 * Polls `read` every `intervalMs` until `signal` aborts, reporting the first value and each
 * change. A failed read keeps the last value (a chain view is not reset by an outage), goes to
 * `onError`, and is retried after the backoff delay (at most `intervalMs`). Resolves when
 * aborted; an error thrown by `onChange` (the caller's) rejects.
 */
export async function pollForChanges<T>(o: PollOptions<T>): Promise<void> {
  const sleep = o.sleep ?? defaultSleep;
  const random = o.random ?? Math.random;
  const backoff = o.backoff ?? DEFAULT_BACKOFF;
  let last: { value: T } | undefined;
  let failures = 0;
  while (!o.signal.aborted) {
    let value: T;
    try {
      value = await o.read(last?.value);
    } catch (err) {
      if (o.signal.aborted) return;
      o.onError?.(err);
      await sleep(Math.min(o.intervalMs, backoffDelay(failures++, backoff, random)), o.signal);
      continue;
    }
    failures = 0;
    if (o.signal.aborted) return;
    o.onRead?.(value);
    if (last === undefined || !o.same(last.value, value)) {
      last = { value };
      await o.onChange(value);
    }
    await sleep(o.intervalMs, o.signal);
  }
}

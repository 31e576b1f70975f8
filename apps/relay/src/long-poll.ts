import type { RelayStore } from './store/types.ts';

/**
 * Reads an inbox; when the read is empty and `waitMs` > 0, waits for an arrival (or the time
 * limit, the client going away, or shutdown) and reads again. The arrival listener is installed
 * before every read so a message landing in between is not missed.
 *
 * An arrival can be announced before the message is readable (JetStream: the core subscription
 * sees the publish before a 3-replica stream has committed it, so another relay's read finds
 * nothing yet; a deduplicated retry of a post is announced too, with nothing new to read). After
 * an arrival whose read is empty the read is retried on a short doubling backoff (5 ms up to
 * 320 ms, about 0.6 s in all); then only the next arrival or the time limit wakes it again.
 *
 * The time limit is kept on `now`, the app's clock (`buildApp({ now })`), like every other
 * deadline of the relay; timers only schedule the next look at it.
 */
export async function readWithWait<T>(
  store: RelayStore,
  inbox: string,
  waitMs: number,
  signals: AbortSignal[],
  read: () => Promise<T[]>,
  now: () => number,
): Promise<T[]> {
  if (waitMs <= 0) return read();
  const deadline = now() + waitMs;
  let wake: () => void = () => {};
  let woken: Promise<void> = Promise.resolve();
  let arrived = false;
  const arm = (): void => {
    arrived = false;
    woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
  };
  const unsubscribe = store.onArrival(inbox, () => {
    arrived = true;
    wake();
  });
  const onAbort = (): void => wake();
  for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    for (;;) {
      arm();
      const got = await read();
      const left = deadline - now();
      if (got.length > 0 || left <= 0 || signals.some((s) => s.aborted)) return got;
      // The deadline timer gets 1 ms more: a timer can fire a millisecond before `now` (a
      // different clock) reaches the deadline, which would cost a third, useless read.
      timer = setTimeout(() => wake(), retry > 0 ? Math.min(retry, left) : left + 1);
      await woken;
      clearTimeout(timer);
      // An arrival (re)starts the backoff; a backoff tick doubles it until it gives up.
      retry = arrived ? 5 : retry > 0 && retry < 320 ? retry * 2 : 0;
    }
  } finally {
    clearTimeout(timer);
    unsubscribe();
    for (const s of signals) s.removeEventListener('abort', onAbort);
  }
}

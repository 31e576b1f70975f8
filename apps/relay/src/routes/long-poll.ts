import type { RelayStore } from '../store/types.ts';

/**
 * Reads an inbox; when the read is empty and `waitMs` > 0, waits for an arrival (or the time
 * limit, the client going away, or shutdown) and reads again. The arrival listener is installed
 * before every read so a message landing in between is not missed.
 *
 * An arrival can be announced before the message is readable (JetStream: the core subscription
 * sees the publish before a 3-replica stream has committed it, so another relay's read finds
 * nothing yet). After such an empty wake the read is retried on a short doubling backoff
 * (5 ms .. 500 ms) until the message shows up or the time limit passes.
 */
export async function readWithWait<T>(
  store: RelayStore,
  inbox: string,
  waitMs: number,
  signals: AbortSignal[],
  read: () => Promise<T[]>,
): Promise<T[]> {
  if (waitMs <= 0) return read();
  const deadline = Date.now() + waitMs;
  let wake: () => void = () => {};
  let woken: Promise<void> = Promise.resolve();
  const arm = (): void => {
    woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
  };
  const unsubscribe = store.onArrival(inbox, () => wake());
  const onAbort = (): void => wake();
  for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
  let retry = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    for (;;) {
      arm();
      const got = await read();
      const left = deadline - Date.now();
      if (got.length > 0 || left <= 0 || signals.some((s) => s.aborted)) return got;
      timer = setTimeout(() => wake(), retry > 0 ? Math.min(retry, left) : left);
      await woken;
      clearTimeout(timer);
      retry = retry === 0 ? 5 : Math.min(retry * 2, 500);
    }
  } finally {
    clearTimeout(timer);
    unsubscribe();
    for (const s of signals) s.removeEventListener('abort', onAbort);
  }
}

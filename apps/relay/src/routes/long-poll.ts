import type { RelayStore } from '../store/types.ts';

/**
 * Reads an inbox; when the read is empty and `waitMs` > 0, waits for an arrival (or the time
 * limit, the client going away, or shutdown) and reads once more. The arrival listener is
 * installed before the first read so a message landing in between is not missed.
 */
export async function readWithWait<T>(
  store: RelayStore,
  inbox: string,
  waitMs: number,
  signals: AbortSignal[],
  read: () => Promise<T[]>,
): Promise<T[]> {
  if (waitMs <= 0) return read();
  let wake: () => void = () => {};
  const woken = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const unsubscribe = store.onArrival(inbox, () => wake());
  const timer = setTimeout(() => wake(), waitMs);
  const onAbort = (): void => wake();
  for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
  try {
    const first = await read();
    if (first.length > 0 || signals.some((s) => s.aborted)) return first;
    await woken;
    return await read();
  } finally {
    clearTimeout(timer);
    unsubscribe();
    for (const s of signals) s.removeEventListener('abort', onAbort);
  }
}

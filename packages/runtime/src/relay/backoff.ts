/** Exponential backoff with jitter between retries of a relay call. */
export type Backoff = {
  /** Delay before the first retry, ms (default 100). */
  initialMs: number;
  /** Largest delay, ms (default 10 s). */
  maxMs: number;
};

export const DEFAULT_BACKOFF: Backoff = { initialMs: 100, maxMs: 10_000 };

/**
 * The delay before retry number `attempt` (0-based): the capped exponential step, of which a
 * random half is taken off ("equal jitter"), so that processes that failed together do not retry
 * together, and no retry comes sooner than half the step. `random` returns [0, 1).
 */
export function backoffDelay(attempt: number, b: Backoff, random: () => number): number {
  const step = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random() * (step / 2));
}

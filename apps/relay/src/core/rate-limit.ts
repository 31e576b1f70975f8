/** Token-bucket parameters: sustained requests per second and the burst allowed above it. */
export type RateLimit = { perSecond: number; burst: number };

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * One token bucket per key (the authenticated party), so one flooding key is throttled without
 * touching the others' budgets. Time is passed in.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #limit: RateLimit;

  constructor(limit: RateLimit) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) {
      throw new RangeError('"rate limit" expected perSecond > 0 and burst >= 1');
    }
    this.#limit = limit;
  }

  take(key: string, now: number): TakeResult {
    const { perSecond, burst } = this.#limit;
    const b = this.#buckets.get(key) ?? { tokens: burst, at: now };
    const refilled = Math.min(burst, b.tokens + ((now - b.at) * perSecond) / 1000);
    if (refilled >= 1) {
      this.#buckets.set(key, { tokens: refilled - 1, at: now });
      return { ok: true };
    }
    this.#buckets.set(key, { tokens: refilled, at: now });
    return { ok: false, retryAfterMs: Math.ceil(((1 - refilled) * 1000) / perSecond) };
  }

  /** True when `key` has a token left, without taking it. */
  peek(key: string, now: number): boolean {
    const b = this.#buckets.get(key);
    if (!b) return true;
    return (
      Math.min(this.#limit.burst, b.tokens + ((now - b.at) * this.#limit.perSecond) / 1000) >= 1
    );
  }

  get size(): number {
    return this.#buckets.size;
  }

  /** Drops buckets that have refilled completely (the same as absent): bounds the map. */
  prune(now: number): void {
    const { perSecond, burst } = this.#limit;
    for (const [k, b] of this.#buckets) {
      if (b.tokens + ((now - b.at) * perSecond) / 1000 >= burst) this.#buckets.delete(k);
    }
  }

  /** Forgets keys that are no longer members (after a membership reload). */
  retain(keep: (key: string) => boolean): void {
    for (const k of this.#buckets.keys()) if (!keep(k)) this.#buckets.delete(k);
  }
}

/**
 * Remembers (party, nonce) pairs of signed requests until their timestamp leaves the window, so
 * a captured request cannot be replayed. Bounded: when full, new signed requests are refused
 * (the caller answers 429) rather than evicting entries that still protect against replay.
 */
export class NonceCache {
  readonly #expiry = new Map<string, number>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#expiry.size;
  }

  has(key: string, now: number): boolean {
    const at = this.#expiry.get(key);
    return at !== undefined && at > now;
  }

  /** Records a key until `expiresAt`; false when the cache is full of live entries. */
  add(key: string, expiresAt: number, now: number): boolean {
    this.prune(now);
    if (this.#expiry.size >= this.#capacity) return false;
    this.#expiry.set(key, expiresAt);
    return true;
  }

  /** Drops expired entries (insertion order is close to expiry order, so a full scan is rare). */
  prune(now: number): void {
    if (this.#expiry.size < this.#capacity / 2) {
      // Cheap path: drop expired entries from the front only.
      for (const [k, at] of this.#expiry) {
        if (at > now) break;
        this.#expiry.delete(k);
      }
      return;
    }
    for (const [k, at] of this.#expiry) if (at <= now) this.#expiry.delete(k);
  }
}

/** In-process fan-out of "something arrived in inbox X" to long-polling readers. */
export class Arrivals {
  readonly #listeners = new Map<string, Set<() => void>>();

  on(inbox: string, listener: () => void): () => void {
    let set = this.#listeners.get(inbox);
    if (!set) {
      set = new Set();
      this.#listeners.set(inbox, set);
    }
    set.add(listener);
    return () => {
      const s = this.#listeners.get(inbox);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) this.#listeners.delete(inbox);
    };
  }

  emit(inbox: string): void {
    const set = this.#listeners.get(inbox);
    if (!set) return;
    for (const l of [...set]) l();
  }
}

/**
 * An in-memory `StateStore`: the snapshot kept as JSON text, as a real store would serialize it,
 * so a restart sees exactly what a process would read back (no shared objects).
 */
import type { Snapshot, StateStore } from '../effect-driver/ports.ts';

export class MemoryStore<S> implements StateStore<S> {
  private text: string | undefined;
  /** Saves counted (a restart reads the last one). */
  saves = 0;
  /** Throw when a saved state does not survive a JSON round trip unchanged. */
  private readonly checkJson: boolean;

  constructor(options: { checkJson?: boolean } = {}) {
    this.checkJson = options.checkJson ?? false;
  }

  save(snapshot: Snapshot<S>): void {
    const text = JSON.stringify(snapshot);
    if (this.checkJson && JSON.stringify(JSON.parse(text)) !== text)
      throw new Error('state not JSON round-trip safe');
    this.text = text;
    this.saves++;
  }

  load(): Snapshot<S> | undefined {
    return this.text === undefined ? undefined : (JSON.parse(this.text) as Snapshot<S>);
  }
}

import type { EventSource } from './server.ts';

/**
 * The simplest `EventSource`: the process calls `emit`, every subscriber gets the event
 * synchronously, in order. A throwing listener is the listener's bug: it is not allowed to
 * stop the others (or the emitting event loop), so its error goes to `onListenerError` (the
 * process logs it; there is no silent default).
 */
export class EventHub<T> implements EventSource<T> {
  private readonly listeners = new Set<(event: T) => void>();
  private readonly onListenerError: (err: unknown) => void;

  constructor(onListenerError: (err: unknown) => void) {
    this.onListenerError = onListenerError;
  }

  subscribe(listener: (event: T) => void): () => void {
    // A wrapper per subscription: subscribing the same function twice gets two deliveries.
    const wrapped = (event: T) => listener(event);
    this.listeners.add(wrapped);
    return () => {
      this.listeners.delete(wrapped);
    };
  }

  emit(event: T): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}

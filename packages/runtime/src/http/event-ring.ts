/** One server-sent event: `id` (`<epoch>-<seq>`), `event` (its type) and `data` (JSON text). */
export type StreamEvent = { readonly id: string; readonly event: string; readonly data: string };

/** What a reconnecting client missed: the events after its last id, and whether that is all. */
export type Resume = {
  events: StreamEvent[];
  /** False when events were lost to it: evicted from the ring, or an id of another process run. */
  complete: boolean;
};

/**
 * The newest `capacity` events, for `Last-Event-ID` resumption. Ids are `<epoch>-<seq>`, seq
 * counting from 1: the epoch (one per process run) tells a client of the previous run, whose
 * sequence numbers mean nothing now, from one that is merely behind.
 */
export class EventRing {
  private readonly slots: (StreamEvent | undefined)[];
  private seq = 0;
  readonly capacity: number;
  readonly epoch: string;

  constructor(capacity: number, epoch: string) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`"capacity" expected an integer >= 1, got ${capacity}`);
    if (!/^[0-9a-z]{1,32}$/.test(epoch))
      throw new RangeError('"epoch" expected 1..32 characters of [0-9a-z]');
    this.capacity = capacity;
    this.epoch = epoch;
    this.slots = new Array(capacity);
  }

  /** Appends an event and returns it with its id. */
  append(event: string, data: string): StreamEvent {
    this.seq += 1;
    const e = { id: `${this.epoch}-${this.seq}`, event, data };
    this.slots[this.seq % this.capacity] = e;
    return e;
  }

  /** The sequence number of the oldest retained event (seq + 1 when empty). */
  private get oldest(): number {
    return Math.max(1, this.seq - this.capacity + 1);
  }

  /** Every retained event, oldest first. */
  retained(): StreamEvent[] {
    return this.range(this.oldest);
  }

  private range(from: number): StreamEvent[] {
    const out: StreamEvent[] = [];
    for (let s = from; s <= this.seq; s++) out.push(this.slots[s % this.capacity] as StreamEvent);
    return out;
  }

  /**
   * The events after `lastEventId`. No id: nothing to replay (a new client starts live). An id
   * this ring cannot place (another epoch, malformed, ahead of us) or one whose successors were
   * evicted: every retained event, marked incomplete.
   */
  since(lastEventId: string | undefined): Resume {
    if (lastEventId === undefined) return { events: [], complete: true };
    const match = /^([0-9a-z]{1,32})-([1-9][0-9]{0,15})$/.exec(lastEventId);
    const seq = match && match[1] === this.epoch ? Number(match[2]) : undefined;
    if (seq === undefined || seq > this.seq || seq + 1 < this.oldest)
      return { events: this.retained(), complete: false };
    return { events: this.range(seq + 1), complete: true };
  }
}

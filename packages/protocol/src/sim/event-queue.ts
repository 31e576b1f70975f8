/**
 * The simulation's clock: a min-heap of timed events, ordered by time then by insertion, so two
 * runs with one seed process the same events in the same order.
 */
import type { CoordinatorInput } from '../coordinator/reports.ts';
import type { SignerInput } from '../signer/reports.ts';

/** A simulated process: `s:<party id>` (signer) or `c:<party id>` (coordinator). */
export type NodeKey = string;

type Timed<E> = E & { at: number; seq: number };

/** What can happen to a node at some time. */
export type SimEvent =
  | Timed<{
      kind: 'deliver';
      to: NodeKey;
      from: number;
      /** The envelope's sealed bytes (UTF-8 JSON text). */
      bytes: string;
    }>
  /** `at0`: the time the timer was armed for (a replaced or cancelled timer is stale). */
  | Timed<{ kind: 'timer'; to: NodeKey; id: string; at0: number }>
  | Timed<{ kind: 'input'; to: NodeKey; input: SignerInput | CoordinatorInput }>
  | Timed<{ kind: 'restart'; to: NodeKey; redeliver: SimEvent | null }>;

/** A new event: `seq` is assigned by the queue. */
type NewEvent = SimEvent extends infer E ? (E extends SimEvent ? Omit<E, 'seq'> : never) : never;

const before = (x: SimEvent, y: SimEvent) => x.at < y.at || (x.at === y.at && x.seq < y.seq);

export class EventQueue {
  private readonly a: SimEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.a.length;
  }

  /** Queues an event after every event already queued for the same time. */
  push(e: NewEvent): void {
    this.insert({ ...e, seq: this.seq++ } as SimEvent);
  }

  /** Puts a popped event back unchanged (its place in the order is kept). */
  putBack(e: SimEvent): void {
    this.insert(e);
  }

  pop(): SimEvent | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }

  private insert(e: SimEvent): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
}

/**
 * The simulated relay and its fault model: every post is delayed uniformly in
 * [minDelay, maxDelay] ms (which also reorders), dropped with probability `drop` and duplicated
 * with probability `duplicate`, all from one seeded PRNG.
 */
import type { Address } from '../machine.ts';
import type { EventQueue, NodeKey } from './event-queue.ts';

/** Relay faults. Delays are uniform in [minDelay, maxDelay] ms, which also reorders. */
export type NetworkFaults = { minDelay: number; maxDelay: number; drop: number; duplicate: number };

export const NO_FAULTS: NetworkFaults = { minDelay: 5, maxDelay: 40, drop: 0, duplicate: 0 };

/** The node keys `to` names, seen from `self` (a broadcast reaches every other node). */
export function recipients(self: NodeKey, to: Address, nodes: Iterable<NodeKey>): NodeKey[] {
  if (to.kind === 'signer') return [`s:${to.id}`];
  if (to.kind === 'signers') return to.ids.map((id) => `s:${id}`);
  if (to.kind === 'coordinator') return [`c:${to.id}`];
  return [...nodes].filter((k) => k !== self);
}

/** The address of a node key (what a per-recipient adversary sees). */
export function addressOf(key: NodeKey): Address {
  const id = Number(key.slice(2));
  return key.startsWith('s:') ? { kind: 'signer', id } : { kind: 'coordinator', id };
}

export class SimRelay {
  readonly faults: NetworkFaults;
  /** Posts made (one per recipient, before drops and duplicates). */
  posts = 0;
  private readonly queue: EventQueue;
  private readonly random: () => number;
  private readonly now: () => number;

  constructor(
    queue: EventQueue,
    random: () => number,
    now: () => number,
    faults: Partial<NetworkFaults> = {},
  ) {
    this.queue = queue;
    this.random = random;
    this.now = now;
    this.faults = { ...NO_FAULTS, ...faults };
  }

  /** Posts sealed bytes from party `from` to node `to`, `extraDelay` ms later than the network. */
  post(from: number, to: NodeKey, bytes: string, extraDelay: number): void {
    this.posts++;
    const f = this.faults;
    const copies = this.random() < f.duplicate ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      if (this.random() < f.drop) continue;
      const delay = f.minDelay + Math.floor(this.random() * (f.maxDelay - f.minDelay + 1));
      this.queue.push({
        at: this.now() + delay + extraDelay,
        kind: 'deliver',
        to,
        from,
        bytes,
      });
    }
  }
}

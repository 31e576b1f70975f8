import {
  type Announcement,
  type AnnouncementResult,
  KeyDirectory,
  type RegistryCandidate,
} from '@peg/protocol';
import type { StacksClient } from '@peg/stacks-client';
import type { FastifyBaseLogger } from 'fastify';
import { chainMembership } from './core/chain-membership.ts';
import type { Membership } from './core/membership.ts';
import type { RelayStore } from './store/types.ts';

/** What the relay reads from the Stacks node: the tip (to notice new blocks) and the registry. */
export type RegistryReader = Pick<StacksClient, 'getChainTip' | 'getSignerCandidates'>;

export type ChainMembersOptions = {
  federation: string;
  registry: RegistryReader;
  /** Where accepted announcements are kept (the relay's store). */
  store: Pick<RelayStore, 'saveAnnouncement' | 'announcements'>;
  log?: FastifyBaseLogger;
};

/**
 * Membership from the chain (docs/relay.md, "Chain membership"): the registry's parties
 * (`KeyDirectory` of @peg/protocol) plus the key announcements they posted. `refresh()` reads
 * the registry and the stored announcements; `offerAnnouncement()` takes a posted envelope.
 * Listeners hear every change, so the app swaps its membership at once.
 */
export class ChainMembers {
  readonly federation: string;
  readonly #registry: RegistryReader;
  readonly #store: ChainMembersOptions['store'];
  readonly #log: FastifyBaseLogger | undefined;
  readonly #directory = new KeyDirectory();
  readonly #listeners = new Set<() => void>();
  #membership: Membership;
  #tip: string | undefined;
  #candidates: RegistryCandidate[] | undefined;

  constructor(opts: ChainMembersOptions) {
    this.federation = opts.federation;
    this.#registry = opts.registry;
    this.#store = opts.store;
    this.#log = opts.log;
    this.#membership = this.#build();
  }

  /** The current membership (a new object after each change). */
  membership(): Membership {
    return this.#membership;
  }

  /** Every party's current announcement, by party id. */
  announcements(): Announcement[] {
    return this.#directory.announcements();
  }

  /** Calls `listener` after every change of the membership; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Reads the registry (skipped while the Stacks tip is the last one read, unless `force`) and
   * the stored announcements (another relay of the federation may have accepted some), then
   * swaps the membership if anything changed. Throws on a failed read, changing nothing.
   */
  async refresh(opts: { force?: boolean } = {}): Promise<void> {
    const tip = await this.#registry.getChainTip();
    const fresh = opts.force || tip.stacksTip !== this.#tip || this.#candidates === undefined;
    const candidates = fresh ? await this.#registry.getSignerCandidates() : this.#candidates;
    const stored = await this.#store.announcements();
    // Synchronous from here: no post can interleave between the update and the swap.
    const before = this.#fingerprint();
    if (candidates !== undefined && fresh) {
      const u = this.#directory.update(candidates);
      if (u.dropped.length > 0) this.#log?.info({ parties: u.dropped }, 'announcements dropped');
      this.#candidates = candidates;
    }
    this.#tip = tip.stacksTip;
    // Stored rows of another registered key (the party's earlier one) are refused again.
    for (const a of stored) {
      const current = this.#directory.announcement(Number(a.party))?.sequence ?? 0;
      if (a.sequence > current) this.#directory.applyAnnouncement(a.envelope);
    }
    this.#swapIfChanged(before);
  }

  /**
   * Takes a posted envelope that may be a key announcement: accepted if it opens under its
   * party's registered key with a higher sequence; then stored (durably) and only then
   * switched to, so a restart keeps what members were told. A refusal changes nothing.
   */
  async offerAnnouncement(envelope: Uint8Array): Promise<AnnouncementResult> {
    // Checked first: the directory changes only once the store has it.
    const checked = this.#directory.checkAnnouncement(envelope);
    if (!checked.ok) return checked;
    const { party } = checked.announcement;
    const registeredKey = this.#directory.registeredKey(party) as string;
    await this.#store.saveAnnouncement({
      party: String(party),
      registeredKey,
      sequence: checked.announcement.sequence,
      envelope,
    });
    const before = this.#fingerprint();
    // Re-applied to the live directory (the registry may have moved while the store wrote).
    const applied = this.#directory.applyAnnouncement(envelope);
    if (applied.ok) {
      this.#log?.info(
        { party, sequence: applied.announcement.sequence },
        'messaging key announced',
      );
    }
    this.#swapIfChanged(before);
    return applied;
  }

  /**
   * Follows the chain until `signal` aborts: a refresh every `intervalMs` (the registry is read
   * again only on a new Stacks tip). A failed read is logged and retried; the membership stays.
   */
  async watch(opts: { signal: AbortSignal; intervalMs?: number }): Promise<void> {
    const interval = opts.intervalMs ?? 2_000;
    while (!opts.signal.aborted) {
      try {
        await this.refresh();
      } catch (err) {
        this.#log?.warn({ err }, 'chain membership refresh failed; membership unchanged');
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, interval);
        function done() {
          clearTimeout(t);
          opts.signal.removeEventListener('abort', done);
          resolve();
        }
        opts.signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  /** Who may authenticate with what: parties, their keys. */
  #fingerprint(): string {
    return JSON.stringify([
      this.#directory.parties.map((p) => [p.id, p.registeredKey]),
      this.#directory.announcements().map((a) => [a.party, a.messagingKey]),
    ]);
  }

  #swapIfChanged(before: string): void {
    if (this.#fingerprint() === before) return;
    this.#membership = this.#build();
    for (const l of this.#listeners) l();
  }

  #build(): Membership {
    return chainMembership(this.federation, this.#directory.parties, (id) =>
      this.#directory.messagingKey(id),
    );
  }
}

/**
 * The federation as one process sees it: the registry's candidates (read at every Stacks block)
 * and the parties' key announcements (from the relay's `GET /v1/announcements` while some are
 * missing, and from the inbox as they come), kept in a `KeyDirectory`. It tells the app the
 * current `FederationConfig` and its epoch: the layout (parties, key ids, registered keys,
 * thresholds). A new epoch is a new federation (a new DKG); within an epoch only the parties'
 * messaging keys change, which the machines take as a `messaging-keys` input.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import {
  type AnnouncementResult,
  type FederationConfig,
  type FederationConfigResult,
  KeyDirectory,
  type Network,
  type Timeouts,
} from '@peg/protocol';
import type { StacksClient } from '@peg/stacks-client';
import type { StacksView } from '../chain/stacks-view.ts';
import { watchStacks } from '../chain/stacks-view.ts';
import type { RelayClient } from '../relay/relay-client.ts';
import { sleep } from '../sleep.ts';
import type { HostLogger } from './machine-host.ts';

/** What changed, for the app. */
export type FederationChange = {
  view: StacksView;
  config: FederationConfigResult;
  /** The layout's id when `config` is ready. */
  epoch: string | undefined;
};

export type FederationWatchOptions = {
  stacks: Pick<StacksClient, 'getChainTip' | 'getSignerData' | 'getSignerCandidates'>;
  /** The relay client to read announcements with; undefined while this process has no party. */
  relay: () => RelayClient | undefined;
  network: Network;
  timeouts: Timeouts;
  logger: HostLogger;
  /** Time between Stacks tip reads, ms (default 2 s). */
  intervalMs?: number;
};

/** The layout id of a federation: what a DKG is for (the messaging keys are not part of it). */
export function epochOf(config: FederationConfig, registeredKeys: readonly string[]): string {
  const layout = {
    network: config.network,
    threshold: config.threshold,
    dkgThreshold: config.dkgThreshold,
    parties: config.parties.map((p, i) => ({ id: p.id, keyIds: p.keyIds, key: registeredKeys[i] })),
  };
  return bytesToHex(sha256(utf8ToBytes(JSON.stringify(layout)))).slice(0, 16);
}

/** Follows the registry and the announcements; see the module comment. */
export class FederationWatch {
  readonly directory = new KeyDirectory();
  readonly #opts: FederationWatchOptions;
  readonly #listeners = new Set<(c: FederationChange) => void | Promise<void>>();
  #view: StacksView | undefined;
  #last: string | undefined;
  /** When the Stacks view was last read successfully (ms). */
  stacksOkAt: number | undefined;

  constructor(opts: FederationWatchOptions) {
    this.#opts = opts;
  }

  get view(): StacksView | undefined {
    return this.#view;
  }

  /** The current config (not ready until every party announced). */
  config(): FederationConfigResult {
    return this.directory.federationConfig({
      network: this.#opts.network,
      timeouts: this.#opts.timeouts,
    });
  }

  /** The current change record, once the registry was read. */
  current(): FederationChange | undefined {
    if (this.#view === undefined) return undefined;
    const config = this.config();
    const epoch = config.ok
      ? epochOf(
          config.config,
          config.config.parties.map((p) => this.directory.registeredKey(p.id) ?? ''),
        )
      : undefined;
    return { view: this.#view, config, epoch };
  }

  /** Called after every change (awaited in order). */
  onChange(listener: (c: FederationChange) => void | Promise<void>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A key announcement from the inbox (or the relay's list); notifies when accepted. */
  async applyAnnouncement(bytes: Uint8Array): Promise<AnnouncementResult> {
    const r = this.directory.applyAnnouncement(bytes);
    if (r.ok) {
      this.#opts.logger.info(
        { party: r.announcement.party, sequence: r.announcement.sequence },
        'messaging key announced',
      );
      await this.#notify();
    }
    return r;
  }

  /**
   * Follows the Stacks tip until `signal` aborts, and, while some party's announcement is
   * missing, reads the relay's list at the same pace (announcements come between blocks).
   */
  async run(signal: AbortSignal): Promise<void> {
    const intervalMs = this.#opts.intervalMs ?? 2_000;
    const announcements = (async () => {
      while (!signal.aborted) {
        await sleep(Math.max(intervalMs, 500), signal);
        if (signal.aborted || this.#view === undefined || this.config().ok) continue;
        await this.fetchAnnouncements(signal).catch((err) =>
          this.#opts.logger.debug({ err: String(err) }, 'reading announcements failed'),
        );
      }
    })();
    await Promise.all([
      watchStacks(this.#opts.stacks, {
        signal,
        intervalMs,
        onError: (err) => this.#opts.logger.warn({ err: String(err) }, 'Stacks read failed'),
        onRead: () => {
          this.stacksOkAt = Date.now();
        },
        onView: (view) => this.#onView(view),
      }),
      announcements,
    ]);
  }

  /** Reads the announcements the relay holds (re-verified here); for missing parties. */
  async fetchAnnouncements(signal?: AbortSignal): Promise<void> {
    const relay = this.#opts.relay();
    if (relay === undefined) return;
    const list = await relay.announcements(
      signal ? { signal, maxAttempts: 3 } : { maxAttempts: 3 },
    );
    let accepted = false;
    for (const a of list) accepted = this.directory.applyAnnouncement(a.envelope).ok || accepted;
    if (accepted) await this.#notify();
  }

  async #onView(view: StacksView): Promise<void> {
    this.#view = view;
    const update = this.directory.update(view.candidates);
    if (update.removed.length + update.rekeyed.length > 0)
      this.#opts.logger.info(update, 'registry membership changed');
    if (!this.config().ok) {
      await this.fetchAnnouncements().catch((err) =>
        this.#opts.logger.debug({ err: String(err) }, 'reading announcements failed'),
      );
    }
    await this.#notify(true);
  }

  async #notify(always = false): Promise<void> {
    const c = this.current();
    if (c === undefined) return;
    const key = JSON.stringify([c.epoch, c.config.ok ? c.config.config.parties : c.config.reason]);
    if (!always && key === this.#last) return;
    this.#last = key;
    for (const l of this.#listeners) await l(c);
  }
}

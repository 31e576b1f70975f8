/**
 * The keys every process (and the relay) opens envelopes with: each party's registered key
 * (from the registry) and the messaging key its latest accepted `key-announcement` names.
 * Pure: no clock, no I/O; the caller feeds it registry reads and announcement bytes.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  type ExpectedKeys,
  KINDS,
  type Kind,
  type Limits,
  type OpenOptions,
  type OpenResult,
  open,
} from '@peg/wire';
import type { FederationConfig, Network } from '../federation.ts';
import type { Hex } from '../hex.ts';
import type { Timeouts } from '../timeouts.ts';
import { type FederationParty, federationParties, type RegistryCandidate } from './parties.ts';
import { federationThresholds } from './thresholds.ts';

/** A party's accepted key announcement. */
export type Announcement = {
  /** The party id it was signed for (the envelope's `sender.partyId`). */
  party: number;
  sequence: number;
  /** The announced messaging key: BIP340 x-only, lowercase hex. */
  messagingKey: Hex;
  /** The announcement envelope's exact bytes, to re-serve (receivers re-verify them). */
  envelope: Uint8Array;
};

/** Why an announcement was not accepted. */
export type AnnouncementRefusal =
  /** It does not open: not an envelope, not a key-announcement, bad signature, bad proof... */
  | { reason: 'invalid'; detail: string }
  /** Its sender is no party of the current registry read (or has no registered key). */
  | { reason: 'unknown-party'; party: number }
  /** Its sequence is not above the party's accepted one (a replay or an old rotation). */
  | { reason: 'stale'; party: number; sequence: number; current: number };

export type AnnouncementResult =
  | { ok: true; announcement: Announcement }
  | ({ ok: false } & AnnouncementRefusal);

/** What a registry update changed. */
export type DirectoryUpdate = {
  /** Party ids that have no party any more (removed on chain, or the list got shorter). */
  removed: number[];
  /** Party ids now held by another registered key (a re-registration, or ids shifted). */
  rekeyed: number[];
  /** Party ids whose accepted announcement was dropped (removed or rekeyed). */
  dropped: number[];
};

export type FederationConfigResult =
  | { ok: true; config: FederationConfig }
  | { ok: false; reason: string; missing: number[] };

type Entry = FederationParty & { registeredXOnly: Uint8Array };
type Accepted = Announcement & { messagingKeyBytes: Uint8Array };

const MESSAGE_KINDS: readonly Kind[] = KINDS.filter((k) => k !== 'key-announcement');

/**
 * The federation's key directory. A party's announcement is kept only while the party id keeps
 * the registered key it was verified against: announcements are signed for a party id, so a
 * party whose id moves (a candidate before it was removed) or whose key changes must announce
 * again.
 */
export class KeyDirectory {
  #parties = new Map<number, Entry>();
  #announcements = new Map<number, Accepted>();
  readonly #limits: Limits | undefined;

  constructor(candidates: readonly RegistryCandidate[] = [], options: { limits?: Limits } = {}) {
    this.#limits = options.limits;
    this.update(candidates);
  }

  /** The parties of the last registry read, by id. */
  get parties(): readonly FederationParty[] {
    return [...this.#parties.values()].map(({ registeredXOnly: _, ...p }) => p);
  }

  /**
   * Takes a new registry read (`get-signer-candidates`). A party id whose registered key
   * changed, or that has no party any more, loses its announcement. Throws (changing nothing)
   * on a malformed read, as `federationParties` does.
   */
  update(candidates: readonly RegistryCandidate[]): DirectoryUpdate {
    const next = new Map<number, Entry>();
    for (const p of federationParties(candidates)) {
      next.set(p.id, { ...p, registeredXOnly: hexToBytes(p.registeredKey.slice(2)) });
    }
    const removed: number[] = [];
    const rekeyed: number[] = [];
    for (const [id, old] of this.#parties) {
      const now = next.get(id);
      if (now === undefined) removed.push(id);
      else if (now.registeredKey !== old.registeredKey) rekeyed.push(id);
    }
    const dropped: number[] = [];
    for (const id of this.#announcements.keys()) {
      const now = next.get(id);
      const was = this.#parties.get(id);
      if (now === undefined || was === undefined || now.registeredKey !== was.registeredKey) {
        dropped.push(id);
      }
    }
    for (const id of dropped) this.#announcements.delete(id);
    this.#parties = next;
    return { removed, rekeyed, dropped };
  }

  /** The registered key of `party` (33-byte compressed, hex), if it is a party. */
  registeredKey(party: number): Hex | undefined {
    return this.#parties.get(party)?.registeredKey;
  }

  /**
   * Verifies a `key-announcement` envelope against the registered key (x-only) of its sender
   * party (`open` of @peg/wire checks the signature and the messaging key's proof of
   * possession) and accepts it if its sequence is above the party's current one.
   */
  applyAnnouncement(bytes: Uint8Array): AnnouncementResult {
    const checked = this.checkAnnouncement(bytes);
    if (checked.ok) {
      const a = checked.announcement;
      this.#announcements.set(a.party, { ...a, messagingKeyBytes: hexToBytes(a.messagingKey) });
    }
    return checked;
  }

  /** What `applyAnnouncement` would answer, without accepting anything. */
  checkAnnouncement(bytes: Uint8Array): AnnouncementResult {
    const opened = open(bytes, (id) => this.#parties.get(id)?.registeredXOnly, {
      kinds: ['key-announcement'],
      ...(this.#limits ? { limits: this.#limits } : {}),
    });
    if (!opened.ok) {
      if (opened.error.code === 'unknown-sender') {
        return { ok: false, reason: 'unknown-party', party: opened.error.partyId };
      }
      return { ok: false, reason: 'invalid', detail: opened.error.code };
    }
    const envelope = opened.value;
    if (envelope.kind !== 'key-announcement') {
      return { ok: false, reason: 'invalid', detail: 'unexpected-kind' };
    }
    const party = envelope.sender.partyId;
    const { sequence, messagingKey } = envelope.payload;
    const current = this.#announcements.get(party);
    if (current !== undefined && sequence <= current.sequence) {
      return { ok: false, reason: 'stale', party, sequence, current: current.sequence };
    }
    return {
      ok: true,
      announcement: {
        party,
        sequence,
        messagingKey: bytesToHex(messagingKey),
        envelope: Uint8Array.from(bytes),
      },
    };
  }

  /** The accepted announcement of `party`, if any. */
  announcement(party: number): Announcement | undefined {
    const a = this.#announcements.get(party);
    return a === undefined ? undefined : publicOf(a);
  }

  /** Every accepted announcement, by party id. */
  announcements(): Announcement[] {
    return [...this.#announcements.values()].sort((a, b) => a.party - b.party).map(publicOf);
  }

  /** The current messaging key of `party` (x-only hex), if it announced one. */
  messagingKey(party: number): Hex | undefined {
    return this.#announcements.get(party)?.messagingKey;
  }

  /**
   * `open`'s expected keys for envelopes of `kind`: the registered key (x-only) for
   * 'key-announcement', the messaging key for every other kind; undefined for an unknown party
   * or one that has not announced. The function reads the directory when called, so it follows
   * later updates.
   */
  keysForOpen(kind?: Kind): Extract<ExpectedKeys, (partyId: number) => unknown> {
    if (kind === 'key-announcement') return (id) => this.#parties.get(id)?.registeredXOnly;
    return (id) =>
      this.#parties.has(id) ? this.#announcements.get(id)?.messagingKeyBytes : undefined;
  }

  /**
   * Opens a protocol envelope of any kind but 'key-announcement' (which goes to
   * `applyAnnouncement`: it answers `unexpected-kind` here) against the messaging keys.
   */
  openMessage(bytes: Uint8Array | string, options: OpenOptions = {}): OpenResult {
    const kinds = options.kinds?.filter((k) => k !== 'key-announcement') ?? MESSAGE_KINDS;
    return open(bytes, this.keysForOpen(), {
      ...(this.#limits ? { limits: this.#limits } : {}),
      ...options,
      kinds,
    });
  }

  /**
   * The protocol's FederationConfig: every party with its key ids and its messaging key as
   * `publicKey`, thresholds by `federationThresholds`. Not ready (with the parties missing)
   * while a party has not announced, or when there are fewer than 2 key ids.
   */
  federationConfig(opts: { network: Network; timeouts: Timeouts }): FederationConfigResult {
    const parties = [...this.#parties.values()];
    const missing = parties.filter((p) => !this.#announcements.has(p.id)).map((p) => p.id);
    if (missing.length > 0) {
      return {
        ok: false,
        reason: `not ready: parties ${missing.join(',')} have not announced`,
        missing,
      };
    }
    const total = parties.reduce((n, p) => n + p.keyIds.length, 0);
    if (total < 2) {
      return { ok: false, reason: `not ready: ${total} key ids, at least 2 needed`, missing };
    }
    const { threshold, dkgThreshold } = federationThresholds(total, parties.length);
    return {
      ok: true,
      config: {
        network: opts.network,
        parties: parties.map((p) => ({
          id: p.id,
          keyIds: [...p.keyIds],
          publicKey: this.#announcements.get(p.id)?.messagingKey as Hex,
        })),
        threshold,
        dkgThreshold,
        timeouts: { ...opts.timeouts },
      },
    };
  }
}

function publicOf(a: Accepted): Announcement {
  return {
    party: a.party,
    sequence: a.sequence,
    messagingKey: a.messagingKey,
    envelope: Uint8Array.from(a.envelope),
  };
}

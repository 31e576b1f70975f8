/** One message as stored, in one inbox. `seq` orders an inbox and is its cursor value. */
export type StoredMessage = {
  seq: number;
  id: string;
  from: string;
  receivedAt: number;
  envelope: Uint8Array;
};

/** A validated, authenticated post, with its recipients resolved to inbox names. */
export type PostInput = {
  sender: string;
  id: string;
  /** Idempotency digest (hex) of the request's target and envelope bytes. */
  digest: string;
  recipients: readonly string[];
  envelope: Uint8Array;
  receivedAt: number;
};

/** `stored` and `duplicate` are both acknowledgements: the message is durably stored. */
export type PostOutcome =
  | { kind: 'stored'; recipients: string[] }
  | { kind: 'duplicate'; recipients: string[] }
  | { kind: 'conflict' };

/**
 * A key announcement the relay accepted (chain-membership mode), kept per party id and the
 * registered key it was verified against: it survives a restart, and other relays of one
 * JetStream federation learn it from the store.
 */
export type StoredAnnouncement = {
  /** The protocol party id it was signed for (decimal). */
  party: string;
  /** The party's registered key when it was accepted (33-byte compressed, hex). */
  registeredKey: string;
  sequence: number;
  /** The envelope's exact bytes. */
  envelope: Uint8Array;
};

export type AckOutcome = { kind: 'ok'; cursor: number } | { kind: 'ahead'; head: number };

/**
 * What the relay needs from storage. Every promise resolves only after the change is durable
 * (SQLite: committed with fsync; JetStream: publish/KV acknowledged by the server or quorum).
 */
export interface RelayStore {
  /** Short description for /healthz and logs (never credentials). */
  readonly name: string;
  /** Largest envelope the store can hold, bytes, if it has a limit of its own. */
  readonly maxEnvelopeBytes?: number;
  post(input: PostInput): Promise<PostOutcome>;
  /** Messages of `inbox` with seq > after, in order, at most `limit`. */
  read(inbox: string, after: number, limit: number): Promise<StoredMessage[]>;
  /** The acknowledged cursor of `inbox` (0 before any ack). */
  cursor(inbox: string): Promise<number>;
  ack(inbox: string, cursor: number): Promise<AckOutcome>;
  /** Messages after the acknowledged cursor. */
  depth(inbox: string): Promise<number>;
  /** Calls `listener` when a message for `inbox` may have arrived; returns the unsubscribe. */
  onArrival(inbox: string, listener: () => void): () => void;
  /** Compatibility mode: append to the one shared log. */
  compatAppend(body: Uint8Array): Promise<void>;
  /** Compatibility mode: the next unread message for `reader`, advancing its cursor. */
  compatNext(reader: string): Promise<Uint8Array | undefined>;
  /** Stores an accepted key announcement unless one with a higher sequence is stored for the same party and key. */
  saveAnnouncement(a: StoredAnnouncement): Promise<void>;
  /** Every stored key announcement. */
  announcements(): Promise<StoredAnnouncement[]>;
  /** Throws when the store is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

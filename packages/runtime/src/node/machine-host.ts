/**
 * The thin I/O shell around one sans-IO machine (signer or coordinator): the protocol's
 * `EffectDriver` over real ports, fed from one serial input queue.
 *
 * - Inputs (relay messages, timers, chain tips, policy answers, the app's commands) are stepped one
 *   at a time, in arrival order.
 * - Relay messages are checked with `open` against the current keys before the machine sees them;
 *   the app may take some kinds itself (announcements, co-signing) through `onEnvelope`.
 * - `persist` commits the state and armed timers in one SQLite transaction (`StateStore`) before
 *   any later effect runs, so a share never leaves before its nonce is recorded as used.
 * - Sends are sealed with the current messaging key and chain tip and posted with a message id
 *   derived from the bytes (a retried post is a duplicate).
 * - A relay message is acknowledged only after all of its effects ran; it is then recorded as
 *   processed. After a crash, an input whose effects were cut short comes again, and the machine
 *   answers it the same way (a used nonce is never used again). No outbox is needed for the
 *   machine's messages: redelivery re-creates them.
 * - A failed effect restarts the driver from the store (as a crash would); the input is delivered
 *   again (relay) or re-armed (timers), and the last chain tip is stepped again.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  type Address,
  EffectDriver,
  EffectFailure,
  type Machine,
  type Outgoing,
  type PolicyPort,
  type Snapshot,
  type WireEnvelope,
} from '@peg/protocol';
import { canonicalJson, type OpenResult, sealJson, type UnsignedEnvelopeJson } from '@peg/wire';
import { RelayClientError } from '../relay/errors.ts';
import type { ReceivedMessage, RelayClient } from '../relay/relay-client.ts';
import type { StateStore } from '../store/state-store.ts';
import { recipientsOf } from './relay-address.ts';

/** The pino-compatible logger subset the host uses. */
export type HostLogger = {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
};

/** Why `open` refused an envelope. */
export type OpenFailure = Extract<OpenResult, { ok: false }>['error'];

/** A Bitcoin chain tip as envelopes carry it (`chainTip`). */
export type ChainTip = { height: number; hash: string };

/** What the app does with an opened envelope: step the machine with it, or nothing more. */
export type EnvelopeRoute = 'machine' | 'handled';

export type MachineHostOptions<S, I, R> = {
  /** `signerStep` or `coordinatorStep`. */
  step: Machine<S, I, R>;
  /** The first state when the store is empty. */
  initial: () => S;
  store: StateStore;
  relay: RelayClient;
  /** This process's party id (the envelope's `sender.partyId`). */
  partyId: number;
  /** The current messaging (identity) secret key; read at each seal. */
  messagingKey: () => Uint8Array;
  /**
   * Opens an envelope against the current keys (`KeyDirectory.openMessage`, or `open` with a
   * static key set).
   */
  open: (bytes: Uint8Array) => OpenResult;
  /** The latest Bitcoin tip (sealed into every envelope); undefined until the first read. */
  chainTip: () => ChainTip | undefined;
  /** Reports of the machine (logs, metrics, the app's logic); awaited in order. */
  onReport: (report: R) => void | Promise<void>;
  /** Shell kinds and observation: called for every opened envelope before the machine. */
  onEnvelope?: (envelope: WireEnvelope, from: string) => EnvelopeRoute | Promise<EnvelopeRoute>;
  /**
   * Called with every envelope `open` refused, with its bytes: the app takes key announcements
   * here (they open against registered keys, not messaging keys), counts and logs the rest.
   */
  onRefused?: (failure: OpenFailure, bytes: Uint8Array, from: string) => void | Promise<void>;
  policy?: PolicyPort;
  logger: HostLogger;
  /** Randomness for the machine (default: a CSPRNG). */
  rng?: (bytes?: number) => Uint8Array;
  now?: () => number;
  /** Long-poll wait, ms (default 25 s). */
  waitMs?: number;
};

const csprng = (n = 32) => crypto.getRandomValues(new Uint8Array(n));

/** Runs one machine over the relay, SQLite and real timers. */
export class MachineHost<S, I extends { type: string }, R> {
  readonly #opts: MachineHostOptions<S, I, R>;
  readonly #driver: EffectDriver<S, I, R>;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  #queue: Promise<unknown> = Promise.resolve();
  #relay: RelayClient;
  #stop = new AbortController();
  #consumeStop: AbortController | undefined;
  #running: Promise<void> | undefined;
  #lastTip: ChainTip | undefined;
  #restarts = 0;
  /** The messaging key last sealed with (by its hash: no copy of the secret) and its public key. */
  #sealer: { secretHash: string; publicKey: string } | undefined;
  /** Inputs stepped, messages refused at `open`, sends posted (for status and metrics). */
  readonly counters = { stepped: 0, refused: 0, sent: 0, sendErrors: 0, restarts: 0 };
  /** When the relay last answered a read (ms), for status. */
  relayOkAt: number | undefined;

  constructor(opts: MachineHostOptions<S, I, R>) {
    this.#opts = opts;
    this.#relay = opts.relay;
    const now = opts.now ?? Date.now;
    this.#driver = new EffectDriver<S, I, R>({
      step: opts.step,
      rng: opts.rng ?? csprng,
      ports: {
        store: {
          save: (snapshot: Snapshot<S>) => {
            opts.store.commitStep({ state: snapshot.state, timers: snapshot.timers, outbox: [] });
          },
          load: () => {
            const loaded = opts.store.load<S>();
            return loaded.state === undefined
              ? undefined
              : { state: loaded.state, timers: loaded.timers };
          },
        },
        transport: {
          send: (to, message) => this.#post(to, this.#seal(message)),
          forward: (to, envelope) => this.#post(to, canonicalJson(envelope) ?? ''),
        },
        timers: {
          arm: (id, at) => this.#arm(id, at),
          cancel: (id) => this.#cancel(id),
        },
        clock: { now },
        reports: { report: (r) => opts.onReport(r) },
        ...(opts.policy
          ? {
              policy: opts.policy,
              inbox: { push: (input) => void this.push(input as unknown as I).catch(() => {}) },
            }
          : {}),
      },
    });
  }

  /** The machine state as of the last step. */
  get state(): S {
    return this.#driver.state;
  }

  /** Restores from the store (or the initial state) and re-arms persisted timers. */
  async start(): Promise<void> {
    await this.#driver.start(this.#opts.initial());
  }

  /**
   * Consumes the relay until `stop()`: resolves when stopped. A relay failure that is not
   * retryable (401 after a removal, 403) rejects.
   */
  run(): Promise<void> {
    // A loop that failed may be run again (the app decides whether the refusal was transient).
    this.#running ??= this.#consumeLoop().catch((err) => {
      this.#running = undefined;
      throw err;
    });
    return this.#running;
  }

  /** Queues an input (chain tip, command, policy answer); resolves once it was stepped. */
  push(input: I): Promise<void> {
    if ((input as { type: string }).type === 'chain-tip') {
      const t = input as unknown as { tip: string; height: number };
      this.#lastTip = { hash: t.tip, height: t.height };
    }
    return this.#enqueue(() => this.#step(input));
  }

  /**
   * Seals and posts a message of the app's own (not the machine's: `signer-ready`, co-signing
   * answers) with the current messaging key and tip.
   */
  send(to: Address, message: Outgoing): Promise<void> {
    return this.#post(to, this.#seal(message));
  }

  /** Switches to another relay client (a new messaging key): the consume loop restarts on it. */
  replaceRelay(relay: RelayClient): void {
    this.#relay = relay;
    this.#consumeStop?.abort();
  }

  /** Stops consuming, cancels timers, waits for the input in progress. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#consumeStop?.abort();
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    await this.#running?.catch(() => {});
    await this.#queue.catch(() => {});
  }

  // ---- input queue ----

  #enqueue<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.#queue.then(fn, fn);
    this.#queue = next.catch(() => {});
    return next;
  }

  async #step(input: I): Promise<void> {
    if (this.#stop.signal.aborted) return;
    try {
      await this.#driver.handle(input);
      this.counters.stepped++;
    } catch (err) {
      await this.#recover(err);
      throw err;
    }
  }

  async #recover(err: unknown): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.counters.restarts++;
    this.#restarts++;
    const why = err instanceof EffectFailure ? err.message : String(err);
    this.#opts.logger.warn(
      { restarts: this.#restarts, err: why },
      'machine restarted from its store',
    );
    await this.#driver.start();
    // The tip is not part of the machine's durable input stream: give it again.
    const tip = this.#lastTip;
    if (tip !== undefined) {
      void this.#enqueue(() =>
        this.#driver.handle({
          type: 'chain-tip',
          tip: tip.hash,
          height: tip.height,
        } as unknown as I),
      ).catch(() => {});
    }
  }

  // ---- relay input ----

  async #consumeLoop(): Promise<void> {
    while (!this.#stop.signal.aborted) {
      this.#consumeStop = new AbortController();
      const signal = AbortSignal.any([this.#stop.signal, this.#consumeStop.signal]);
      const relay = this.#relay;
      try {
        await relay.consume((m) => this.#enqueue(() => this.#deliver(m)), {
          signal,
          waitMs: this.#opts.waitMs ?? 25_000,
        });
      } catch (err) {
        if (this.#stop.signal.aborted) return;
        // A refusal of the client that was just replaced (the old messaging key's token request
        // raced the switch) says nothing about the new one.
        if (this.#relay !== relay) continue;
        if (err instanceof RelayClientError && !err.retryable) throw err;
        // A failed step: its message was not acknowledged and comes again.
        this.#opts.logger.debug({ err: String(err) }, 'consume restarted');
      }
    }
  }

  async #deliver(m: ReceivedMessage): Promise<void> {
    this.relayOkAt = Date.now();
    const store = this.#opts.store;
    if (store.isProcessed(m.inputId)) return;
    const opened = this.#opts.open(m.envelope);
    if (!opened.ok) {
      this.counters.refused++;
      try {
        await this.#opts.onRefused?.(opened.error, m.envelope, m.from);
      } catch (err) {
        this.#opts.logger.error({ from: m.from, err: String(err) }, 'refusal handler failed');
      }
      store.markProcessed(m.inputId);
      return;
    }
    const envelope = opened.json as unknown as WireEnvelope;
    let route: EnvelopeRoute = 'machine';
    try {
      route = (await this.#opts.onEnvelope?.(envelope, m.from)) ?? 'machine';
    } catch (err) {
      // The app's own handling failed on this message: drop it rather than redeliver it forever.
      this.#opts.logger.error(
        { from: m.from, kind: envelope.kind, err: String(err) },
        'envelope handler failed',
      );
      route = 'handled';
    }
    if (route === 'machine') await this.#step({ type: 'message', envelope } as unknown as I);
    store.markProcessed(m.inputId);
  }

  // ---- transport ----

  /**
   * The x-only public key of `sk`, derived once per messaging key: a base multiplication per
   * seal was a third of the cost of sealing.
   */
  #publicKeyOf(sk: Uint8Array): string {
    const known = this.#sealer;
    const secretHash = bytesToHex(sha256(sk));
    if (known !== undefined && known.secretHash === secretHash) return known.publicKey;
    const publicKey = bytesToHex(schnorr.getPublicKey(sk));
    this.#sealer = { secretHash, publicKey };
    return publicKey;
  }

  #seal(message: Outgoing): Uint8Array {
    const tip = this.#opts.chainTip();
    if (tip === undefined) throw new Error('no Bitcoin tip yet: cannot seal');
    const sk = this.#opts.messagingKey();
    try {
      const unsigned = {
        ...message,
        sender: { partyId: this.#opts.partyId, publicKey: this.#publicKeyOf(sk) },
        chainTip: tip,
      } as unknown as UnsignedEnvelopeJson;
      return sealJson(unsigned, sk);
    } finally {
      sk.fill(0);
    }
  }

  async #post(to: Address, envelope: Uint8Array | string): Promise<void> {
    const bytes = typeof envelope === 'string' ? new TextEncoder().encode(envelope) : envelope;
    try {
      await this.#relay.post(recipientsOf(to), bytes, { signal: this.#stop.signal });
      this.counters.sent++;
    } catch (err) {
      // A refusal by the relay (4xx) will not change on retry: drop the message, as a lossy
      // network would; the protocol's timeouts and resends cover it. Anything else (stopping)
      // fails the effect.
      if (err instanceof RelayClientError && !err.retryable && err.code !== 'aborted') {
        this.counters.sendErrors++;
        this.#opts.logger.warn({ to, code: err.code, status: err.status }, 'relay refused a post');
        return;
      }
      throw err;
    }
  }

  // ---- timers ----

  #arm(id: string, at: number): void {
    this.#cancel(id);
    if (this.#stop.signal.aborted) return;
    const now = this.#opts.now?.() ?? Date.now();
    const t = setTimeout(
      () => {
        this.#timers.delete(id);
        void this.#enqueue(async () => {
          if (this.#stop.signal.aborted) return;
          try {
            await this.#driver.fire(id, at);
          } catch (err) {
            await this.#recover(err);
          }
        });
      },
      Math.max(0, at - now),
    );
    t.unref?.();
    this.#timers.set(id, t);
  }

  #cancel(id: string): void {
    const t = this.#timers.get(id);
    if (t !== undefined) clearTimeout(t);
    this.#timers.delete(id);
  }
}

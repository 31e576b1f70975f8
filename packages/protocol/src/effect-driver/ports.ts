/**
 * The ports of the effect driver: the small interfaces through which it reaches the outside
 * world. The deterministic simulation provides in-memory ports; the processes (`packages/runtime`)
 * provide a SQLite store, a relay transport and real timers. No port type imports `node:*`.
 *
 * A port method may return a Promise (real I/O) or a plain value (the simulation, which must stay
 * synchronous to be deterministic); the driver waits for each one before the next effect.
 */
import type { Outgoing, WireEnvelope } from '../envelopes.ts';
import type { Address } from '../machine.ts';
import type { PolicyDecision, PolicyRequest } from '../policy.ts';

/** A value now, or later. */
export type Awaitable<T> = T | Promise<T>;

/** What a `persist` effect saves: the machine state and the timers armed at that moment. */
export type Snapshot<S> = {
  state: S;
  /** Timer id -> time (ms) it fires at. */
  timers: Record<string, number>;
};

/**
 * Durable machine state. `save` returns (or resolves) only once the snapshot survives a crash:
 * the driver sends nothing that follows a `persist` before that (the nonce is recorded as used
 * before the share that uses it leaves). The signer's snapshot holds secrets: store it encrypted.
 */
export interface StateStore<S> {
  save(snapshot: Snapshot<S>): Awaitable<void>;
  /** The last saved snapshot, or undefined before the first save. */
  load(): Awaitable<Snapshot<S> | undefined>;
}

/** The relay, seen from one process. */
export interface Transport {
  /** Seals `message` (`sealJson` with the process's identity key and chain tip) and posts it. */
  send(to: Address, message: Outgoing): Awaitable<void>;
  /** Posts another party's envelope unchanged: its exact bytes, `canonicalJson(envelope)`. */
  forward(to: Address, envelope: WireEnvelope): Awaitable<void>;
}

/**
 * Timers. When timer `id` is due the owner calls `driver.fire(id, at)` with the `at` it was armed
 * with, through its input queue (never from inside an effect). `at` may already be past (a timer
 * persisted before a restart): it fires as soon as possible.
 */
export interface TimerPort {
  /** Arms timer `id` for time `at` (ms), replacing any timer with the same id. */
  arm(id: string, at: number): void;
  cancel(id: string): void;
}

/** The time the machines see (ms). */
export interface Clock {
  now(): number;
}

/**
 * The signer's policy, asked for each `check-policy` effect. It may do I/O (read the chains). A
 * throw or a rejection is answered as a refusal (`policy-unavailable`): never as an approval.
 */
export interface PolicyPort {
  decide(request: PolicyRequest): Awaitable<PolicyDecision>;
}

/** The `policy` input that answers a `check-policy` effect. */
export type PolicyInput = {
  type: 'policy';
  signId: number;
  iteration: number;
  decision: PolicyDecision;
};

/**
 * The owner's input queue: the driver queues policy answers here for a later step of the same
 * machine (inputs are stepped one at a time, never re-entrantly).
 */
export interface Inbox {
  push(input: PolicyInput): void;
}

/** Where the machine's `report` effects go (logs, metrics, the app's outcome handlers). */
export interface ReportSink<R> {
  report(report: R): Awaitable<void>;
}

/** Every port of one driver. `policy` and `inbox` are needed only by a machine that asks. */
export type DriverPorts<S, R> = {
  store: StateStore<S>;
  transport: Transport;
  timers: TimerPort;
  clock: Clock;
  reports: ReportSink<R>;
  policy?: PolicyPort;
  inbox?: Inbox;
};

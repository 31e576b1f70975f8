/**
 * A deterministic in-memory federation: N signers, one or more coordinators, a relay with seeded
 * delays, drops, duplicates and reordering, a fake clock, scripted adversaries and crash/restart
 * injection. Everything derives from one seed, so a failing run replays exactly.
 *
 * Each node runs its machine through the effect driver the processes run (`effect-driver/`), over
 * in-memory ports: a JSON `MemoryStore`, timers on the event queue, the simulated relay, the
 * policy given in the options (a toy one by default). On top of the driver's semantics the
 * simulation models what the shells add:
 * - every message travels as @peg/wire bytes: `send` effects are sealed (`sealJson`) with the
 *   node's identity key, `forward` effects post the stored envelope's exact bytes, and every
 *   delivery is `open`ed against the federation's keys before the machine sees it (a refused
 *   envelope never reaches a machine);
 * - the relay is at-least-once: an input whose effects were interrupted by a crash is delivered
 *   again after the restart, after the chain tip the shell reads at start-up.
 *
 * Modules: `event-queue.ts` (time), `relay.ts` (fault model), `crash.ts` (crash injection),
 * `adversary.ts` (scripted signers), `invariants.ts` (safety checks), `toy-policy.ts` (test
 * doubles of the chain-facing policy).
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import type { RNG } from '@peg/frost';
import { canonicalJson, open, sealJson, type UnsignedEnvelopeJson } from '@peg/wire';
import type { CoordinatorInput, CoordinatorReport } from '../coordinator/reports.ts';
import { type CoordinatorState, initialCoordinatorState } from '../coordinator/state.ts';
import { coordinatorStep } from '../coordinator/step.ts';
import { EffectDriver, type EffectFailure, type Machine } from '../effect-driver/driver.ts';
import type { Awaitable, DriverPorts } from '../effect-driver/ports.ts';
import type { Outgoing, WireEnvelope } from '../envelopes.ts';
import type { FederationConfig } from '../federation.ts';
import type { Hex } from '../hex.ts';
import type { Policy } from '../policy.ts';
import { coordinatorOrder } from '../selection.ts';
import type { SignerInput, SignerReport } from '../signer/reports.ts';
import { initialSignerState, type SignerState } from '../signer/state.ts';
import { signerStep } from '../signer/step.ts';
import type { Timeouts } from '../timeouts.ts';
import { DEFAULT_TIMEOUTS } from '../timeouts.ts';
import { adversarial, type Behaviour } from './adversary.ts';
import {
  CrashInjector,
  type CrashPlan,
  type CrashRecord,
  isSimulatedCrash,
  SimulatedCrash,
} from './crash.ts';
import { EventQueue, type NodeKey, type SimEvent } from './event-queue.ts';
import { invalidSignatures, ShareLedger } from './invariants.ts';
import { MemoryStore } from './memory-store.ts';
import { seededBytes, seededFloat } from './random.ts';
import { addressOf, type NetworkFaults, recipients, SimRelay } from './relay.ts';
import { toyPolicy, toySighashes } from './toy-policy.ts';
import { dealKeys } from './trusted-dealer.ts';

export type SimOptions = {
  seed: number;
  /** Key ids per party: weights[i] for party i+1. */
  weights: number[];
  threshold: number;
  dkgThreshold?: number;
  faults?: Partial<NetworkFaults>;
  behaviours?: Record<number, Behaviour>;
  timeouts?: Partial<Timeouts>;
  /** Extra delay of `slow` signers (default: half the sign timeout). */
  slowDelay?: number;
  /** Run a coordinator process on every party (for takeover), or only the first in line. */
  coordinators?: 'first' | 'all';
  maxDkgAttempts?: number;
  maxNonceTimeouts?: number;
  /** Check at every persist that the state survives a JSON round trip unchanged. */
  checkJson?: boolean;
  /** Record every delivered message (for replay tests). */
  trace?: boolean;
  /** The signers' policy (synchronous: the simulation is); the toy policy by default. */
  policy?: Policy;
};

/** One delivered message (its sealed bytes and opened form), as recorded with `trace`. */
export type Delivery = {
  at: number;
  to: string;
  from: number;
  bytes: string;
  envelope: WireEnvelope;
};

export type Logged<R> = { at: number; node: NodeKey; report: R };

type AnyInput = SignerInput | CoordinatorInput;
type AnyReport = SignerReport | CoordinatorReport;

/** One simulated process: a machine run by the effect driver over in-memory ports. */
export type SimNode =
  | {
      kind: 'signer';
      id: number;
      driver: EffectDriver<SignerState, SignerInput, SignerReport>;
      store: MemoryStore<SignerState>;
      readonly state: SignerState;
      up: boolean;
      rng: RNG;
    }
  | {
      kind: 'coordinator';
      id: number;
      driver: EffectDriver<CoordinatorState, CoordinatorInput, CoordinatorReport>;
      store: MemoryStore<CoordinatorState>;
      readonly state: CoordinatorState;
      up: boolean;
      rng: RNG;
    };

/** The value of a port call the simulation made: its ports are synchronous. */
function now<T>(v: Awaitable<T>): T {
  if (v instanceof Promise) throw new Error('simulation ports must be synchronous');
  return v;
}

/** The federation under simulation. */
export class Simulation {
  readonly opts: SimOptions;
  /** The federation as the nodes see it (parties' messaging keys change with `rotateKey`). */
  federation: FederationConfig;
  readonly tip: Hex;
  /** Height of `tip` (the chain does not move in the simulation). */
  readonly tipHeight = 100;
  /** Identity secret keys by party id (the shells' keys: machines never see them). */
  readonly secrets = new Map<number, Uint8Array>();
  private readonly keys = new Map<number, Uint8Array>();
  private readonly opened = new Map<string, WireEnvelope | null>();
  /** Deliveries `open` refused (forged, malformed or from an unknown key): dropped by the shell. */
  refusedAtOpen = 0;
  readonly nodes = new Map<NodeKey, SimNode>();
  readonly coordinatorIds: number[];
  now = 0;
  private readonly queue = new EventQueue();
  private readonly net: () => number;
  private readonly relay: SimRelay;
  readonly signerReports: Logged<SignerReport>[] = [];
  readonly coordinatorReports: Logged<CoordinatorReport>[] = [];
  /** Share sets honest signers sent, per nonce (the no-reuse invariant). */
  readonly shares = new ShareLedger();
  private readonly crashInjector = new CrashInjector();
  /** The crash to throw in the node being stepped: before effect `at`. */
  private pendingCrash: { node: NodeKey; at: number } | null = null;
  readonly trace: Delivery[] = [];
  private deferred: SimEvent[] = [];
  events = 0;
  /** Envelopes posted again unchanged by a `forward` effect (the coordinator's DKG recovery). */
  forwarded = 0;
  /** Time spent inside the machines' `step` calls (pure computation). */
  stepMs = 0;
  /** Time spent sealing and opening envelopes (what each shell adds; a broadcast opens once here). */
  wireMs = 0;

  constructor(opts: SimOptions) {
    this.opts = opts;
    this.net = seededFloat(opts.seed ^ 0x5eed);
    this.relay = new SimRelay(this.queue, this.net, () => this.now, opts.faults);
    const idRng = seededBytes(opts.seed, 'identity');
    let nextKey = 1;
    const parties = opts.weights.map((w, i) => {
      const sk = schnorr.utils.randomSecretKey(idRng(48));
      this.secrets.set(i + 1, sk);
      this.keys.set(i + 1, schnorr.getPublicKey(sk));
      const keyIds = Array.from({ length: w }, () => nextKey++);
      return { id: i + 1, keyIds, publicKey: bytesToHex(schnorr.getPublicKey(sk)) };
    });
    this.federation = {
      network: 'regtest',
      parties,
      threshold: opts.threshold,
      dkgThreshold: opts.dkgThreshold ?? nextKey - 1,
      timeouts: { ...DEFAULT_TIMEOUTS, ...opts.timeouts },
    };
    this.tip = bytesToHex(seededBytes(opts.seed, 'tip')(32));
    const order = coordinatorOrder(this.tip, parties);
    this.coordinatorIds = opts.coordinators === 'all' ? order : [order[0]!];
    for (const p of parties)
      this.addNode('signer', p.id, signerStep, this.signerReports, () =>
        initialSignerState({ id: p.id, federation: this.federation }),
      );
    for (const id of this.coordinatorIds)
      this.addNode('coordinator', id, coordinatorStep, this.coordinatorReports, () =>
        initialCoordinatorState({
          id,
          federation: this.federation,
          maxDkgAttempts: opts.maxDkgAttempts ?? 5,
          maxNonceTimeouts: opts.maxNonceTimeouts ?? 3,
        }),
      );
    for (const key of this.nodes.keys())
      this.input(key, { type: 'chain-tip', tip: this.tip, height: this.tipHeight }, 0);
  }

  /** A node: its machine run by a driver over in-memory ports, started from `initial`. */
  private addNode<S, I, R extends AnyReport>(
    kind: SimNode['kind'],
    id: number,
    step: Machine<S, I, R>,
    log: Logged<R>[],
    initial: () => S,
  ): void {
    const key = `${kind === 'signer' ? 's' : 'c'}:${id}`;
    const store = new MemoryStore<S>({ checkJson: this.opts.checkJson });
    const rng = seededBytes(this.opts.seed, `${kind}/${id}`);
    const driver = new EffectDriver({
      step: this.timed(step),
      ports: this.ports(key, store, log),
      rng,
      beforeEffect: (i) => this.crashHook(key, i),
    });
    now(driver.start(initial()));
    const node = {
      kind,
      id,
      driver,
      store,
      get state() {
        return driver.state;
      },
      up: true,
      rng,
    };
    this.nodes.set(key, node as unknown as SimNode);
  }

  /** A machine whose step time counts into `stepMs`. */
  private timed<S, I, R>(step: Machine<S, I, R>): Machine<S, I, R> {
    return (state, input, env) => {
      const t0 = performance.now();
      try {
        return step(state, input, env);
      } finally {
        this.stepMs += performance.now() - t0;
      }
    };
  }

  /** The in-memory ports of node `key`. */
  private ports<S, R extends AnyReport>(
    key: NodeKey,
    store: MemoryStore<S>,
    log: Logged<R>[],
  ): DriverPorts<S, R> {
    return {
      store,
      clock: { now: () => this.now },
      transport: {
        send: (to, message) => this.send(key, to, message),
        forward: (to, envelope) => {
          this.forwarded++;
          const bytes = canonicalJson(envelope) ?? '';
          const from = Number(key.slice(2));
          for (const r of recipients(key, to, this.nodes.keys()))
            this.relay.post(from, r, bytes, 0);
        },
      },
      timers: {
        // The event heap cannot go back in time: an overdue timer fires now.
        arm: (id, at) =>
          this.queue.push({ at: Math.max(at, this.now), kind: 'timer', to: key, id, at0: at }),
        // A cancelled or replaced timer's event is recognised as stale when it pops.
        cancel: () => {},
      },
      reports: { report: (report) => void log.push({ at: this.now, node: key, report }) },
      // The signer's shell asks its policy; reading the chains takes a little while.
      policy: { decide: this.opts.policy ?? toyPolicy },
      inbox: { push: (input) => this.input(key, input, 1 + Math.floor(this.net() * 5)) },
    };
  }

  private crashHook(key: NodeKey, index: number): void {
    if (this.pendingCrash?.node === key && this.pendingCrash.at === index)
      throw new SimulatedCrash();
  }

  /** Behaviour of a signer (honest unless scripted). */
  behaviour(id: number): Behaviour {
    return this.opts.behaviours?.[id] ?? 'honest';
  }

  /** The active (first in line) coordinator id. */
  get coordinator(): number {
    return this.coordinatorIds[0]!;
  }

  /** Messages posted to the relay (one per recipient). */
  get messagesSent(): number {
    return this.relay.posts;
  }

  /** Crash plans that fired (node, input type, effect index). */
  get crashes(): readonly CrashRecord[] {
    return this.crashInjector.fired;
  }

  /** Queues an input for a node after `delay` ms. */
  input(to: NodeKey, input: AnyInput, delay = 0): void {
    this.queue.push({ at: this.now + delay, kind: 'input', to, input });
  }

  /** Sends a command to every coordinator process (each shell sees the same chain). */
  command(command: Extract<CoordinatorInput, { type: 'command' }>['command']): void {
    for (const id of this.coordinatorIds) this.input(`c:${id}`, { type: 'command', command });
  }

  /** Delivers raw envelope bytes to a node, as if the relay had (a replay, a forged request). */
  inject(to: NodeKey, from: number, bytes: string, delay = 0): void {
    this.queue.push({ at: this.now + delay, kind: 'deliver', to, from, bytes });
  }

  /** Seals a message as party `from` (the sim holds every shell's key), e.g. to inject it. */
  seal(from: number, message: Outgoing, rng: RNG = seededBytes(this.opts.seed, 'seal')): string {
    const unsigned = {
      ...message,
      sender: { partyId: from, publicKey: bytesToHex(this.keys.get(from)!) },
      chainTip: { height: this.tipHeight, hash: this.tip },
    } as unknown as UnsignedEnvelopeJson;
    const t0 = performance.now();
    const bytes = sealJson(unsigned, this.secrets.get(from)!, { auxRand: rng(32) });
    this.wireMs += performance.now() - t0;
    return new TextDecoder().decode(bytes);
  }

  /** The shell's `open`: the envelope, or null when refused. Cached: a broadcast opens once. */
  private openBytes(bytes: string): WireEnvelope | null {
    let e = this.opened.get(bytes);
    if (e === undefined) {
      const t0 = performance.now();
      const r = open(utf8ToBytes(bytes), this.keys);
      this.wireMs += performance.now() - t0;
      e = r.ok ? r.json : null;
      if (this.opened.size > 20_000) this.opened.clear();
      this.opened.set(bytes, e);
    }
    return e;
  }

  /**
   * Party `id` rotates its messaging key: its shell seals with a new key from now on, every
   * shell's `open` knows only the new one (as after a checked `key-announcement`), and every
   * node gets the `messaging-keys` input. Returns the old public key.
   */
  rotateKey(id: number, rng: RNG = seededBytes(this.opts.seed, `rotate/${id}`)): Uint8Array {
    const old = this.keys.get(id);
    if (old === undefined) throw new RangeError(`no party ${id}`);
    const sk = schnorr.utils.randomSecretKey(rng(48));
    this.secrets.set(id, sk);
    this.keys.set(id, schnorr.getPublicKey(sk));
    this.opened.clear();
    this.federation = {
      ...this.federation,
      parties: this.federation.parties.map((p) =>
        p.id === id ? { ...p, publicKey: bytesToHex(schnorr.getPublicKey(sk)) } : p,
      ),
    };
    for (const key of this.nodes.keys())
      this.input(key, { type: 'messaging-keys', federation: this.federation }, 0);
    return old;
  }

  /** Runs until `done` holds, the queue drains, or `maxTime` ms of simulated time pass. */
  run(done: () => boolean, maxTime = 600_000): boolean {
    const end = this.now + maxTime;
    while (this.queue.size > 0) {
      if (done()) return true;
      const ev = this.queue.pop()!;
      if (ev.at > end) {
        this.queue.putBack(ev);
        this.now = end;
        return done();
      }
      this.now = Math.max(this.now, ev.at);
      this.events++;
      if (this.events > 5_000_000)
        throw new Error(`simulation seed ${this.opts.seed}: event bound hit`);
      this.process(ev);
    }
    return done();
  }

  private process(ev: SimEvent): void {
    const node = this.nodes.get(ev.to);
    if (node === undefined) return;
    if (ev.kind === 'restart') {
      this.restart(node, ev);
      return;
    }
    if (!node.up) {
      // Messages to a down node are lost (the resend ticks recover them); commands come from
      // the node's own shell, which issues them again once it is up.
      if (ev.kind === 'input') this.deferred.push(ev);
      return;
    }
    let input: AnyInput;
    if (ev.kind === 'timer') {
      if (node.driver.timers[ev.id] !== ev.at0) return; // cancelled or replaced
      input = { type: 'timer', id: ev.id };
    } else if (ev.kind === 'deliver') {
      const envelope = this.openBytes(ev.bytes);
      if (envelope === null) {
        this.refusedAtOpen++;
        return;
      }
      input = { type: 'message', envelope };
      if (this.opts.trace)
        this.trace.push({ at: this.now, to: ev.to, from: ev.from, bytes: ev.bytes, envelope });
    } else input = ev.input;
    const plan = this.crashInjector.take(ev.to, input);
    this.pendingCrash = plan === undefined ? null : { node: ev.to, at: plan.beforeEffect };
    try {
      const d = node.driver as EffectDriver<unknown, AnyInput, AnyReport>;
      const result = now(ev.kind === 'timer' ? d.fire(ev.id, ev.at0)! : d.handle(input));
      if (plan !== undefined && plan.beforeEffect >= result.effects.length)
        this.crash(node, ev, plan, result.effects.length);
    } catch (e) {
      if (plan === undefined || !isSimulatedCrash(e)) throw e;
      this.crash(node, ev, plan, (e as EffectFailure).index);
    } finally {
      this.pendingCrash = null;
    }
  }

  private send(key: NodeKey, to: Parameters<typeof recipients>[1], message: Outgoing): void {
    const node = this.nodes.get(key)!;
    if (node.kind === 'signer' && this.behaviour(node.id) !== 'bad-share')
      // Persisted before the send: the stored state holds the nonce this share answers.
      this.shares.record(
        node.id,
        message,
        node.store.load()?.state.signing?.response.payload.nonces,
      );
    // Sealed once per distinct outgoing message (a broadcast is one post to the relay).
    const sealed = new Map<Outgoing, string>();
    for (const r of recipients(key, to, this.nodes.keys())) {
      let msg = message;
      let extra = 0;
      if (node.kind === 'signer') {
        const out = adversarial(
          this.behaviour(node.id),
          node.state,
          message,
          addressOf(r),
          node.rng,
          this.opts.slowDelay ?? Math.floor(this.federation.timeouts.sign / 2),
        );
        if (out === null) continue;
        msg = out.message;
        extra = out.extraDelay;
      }
      let bytes = sealed.get(msg);
      if (bytes === undefined) {
        bytes = this.seal(node.id, msg, node.rng);
        sealed.set(msg, bytes);
      }
      this.relay.post(node.id, r, bytes, extra);
    }
  }

  /** Schedules a crash of `node` at its next input matching `when`, before effect `beforeEffect`. */
  planCrash(plan: CrashPlan): void {
    this.crashInjector.add(plan);
  }

  private crash(node: SimNode, ev: SimEvent, plan: CrashPlan, beforeEffect: number): void {
    const key = `${node.kind === 'signer' ? 's' : 'c'}:${node.id}`;
    this.crashInjector.fired.push({
      node: key,
      input: ev.kind === 'deliver' ? (this.openBytes(ev.bytes)?.kind ?? 'refused') : ev.kind,
      beforeEffect,
    });
    node.up = false;
    // At-least-once relay: the interrupted input comes again after the restart.
    const redeliver = ev.kind === 'deliver' || ev.kind === 'input' ? ev : null;
    this.queue.push({ at: this.now + plan.restartAfter, kind: 'restart', to: key, redeliver });
  }

  private restart(node: SimNode, ev: Extract<SimEvent, { kind: 'restart' }>): void {
    // The driver reloads the last persisted state and re-arms its timers.
    now(node.driver.start());
    node.up = true;
    // The shell feeds the chain tip it reads at start-up, then the interrupted input again.
    this.queue.push({
      at: this.now,
      kind: 'input',
      to: ev.to,
      input: { type: 'chain-tip', tip: this.tip, height: this.tipHeight },
    });
    if (ev.redeliver !== null) this.queue.push({ ...ev.redeliver, at: this.now });
    const mine = this.deferred.filter((d) => d.to === ev.to);
    this.deferred = this.deferred.filter((d) => d.to !== ev.to);
    for (const d of mine) this.queue.push({ ...d, at: this.now });
  }

  // ------------------------------------------------------------ drivers

  private lastReport(
    from: number,
    kinds: CoordinatorReport['kind'][],
  ): CoordinatorReport | undefined {
    for (let i = this.coordinatorReports.length - 1; i >= from; i--) {
      const r = this.coordinatorReports[i]!.report;
      if (kinds.includes(r.kind)) return r;
    }
    return undefined;
  }

  /** Runs a DKG to its outcome; hands the key to every other coordinator (as their shells do). */
  dkg(maxTime = 600_000): Extract<CoordinatorReport, { kind: 'dkg-complete' | 'dkg-failed' }> {
    const from = this.coordinatorReports.length;
    this.command({ kind: 'dkg' });
    const ok = this.run(
      () => this.lastReport(from, ['dkg-complete', 'dkg-failed']) !== undefined,
      maxTime,
    );
    const r = this.lastReport(from, ['dkg-complete', 'dkg-failed']);
    if (!ok || r === undefined)
      throw new Error(`simulation seed ${this.opts.seed}: DKG did not end`);
    if (r.kind === 'dkg-complete') {
      // Let the key announcement reach every signer before anything else happens.
      this.run(() => false, this.relay.faults.maxDelay + 1);
      for (const id of this.coordinatorIds.slice(1))
        this.input(`c:${id}`, {
          type: 'command',
          command: {
            kind: 'set-key',
            dkgId: r.dkgId,
            pub: r.pub,
            verification: r.verification,
          },
        });
    }
    return r as Extract<CoordinatorReport, { kind: 'dkg-complete' | 'dkg-failed' }>;
  }

  /**
   * Runs one peg-out signing round (`inputs` messages) to its outcome, under the key of `dkgId`
   * (a retained earlier key) or, without it, the current key.
   */
  sign(
    withdrawalRequestIds: number[],
    inputs = 1,
    { maxTime = 600_000, dkgId }: { maxTime?: number; dkgId?: number } = {},
  ): Extract<CoordinatorReport, { kind: 'signature' | 'insufficient-signers' }> & {
    elapsed: number;
  } {
    const txRng = seededBytes(
      this.opts.seed,
      `payload/${this.coordinatorReports.length}/${withdrawalRequestIds.join(',')}`,
    );
    const unsignedTransaction = bytesToHex(concatBytes(Uint8Array.of(inputs), txRng(31)));
    const from = this.coordinatorReports.length;
    const t0 = this.now;
    this.command({
      kind: 'sign',
      withdrawalRequestIds,
      unsignedTransaction,
      messages: toySighashes(unsignedTransaction),
      tweak: { type: 'taproot', merkleRoot: null },
      ...(dkgId === undefined ? {} : { dkgId }),
    });
    const kinds: CoordinatorReport['kind'][] = ['signature', 'insufficient-signers'];
    const ok = this.run(() => this.lastReport(from, kinds) !== undefined, maxTime);
    const r = this.lastReport(from, kinds);
    if (!ok || r === undefined)
      throw new Error(`simulation seed ${this.opts.seed}: signing did not end`);
    // Every coordinator's shell sees the outcome (the sweep on chain) and drops the command.
    this.command({ kind: 'cancel', withdrawalRequestIds });
    return {
      ...(r as Extract<CoordinatorReport, { kind: 'signature' | 'insufficient-signers' }>),
      elapsed: this.now - t0,
    };
  }

  /**
   * Installs trusted-dealer keys as verified (benchmarks of large federations only, where a full
   * DKG would dominate the run). Returns the group key.
   */
  installDealerKeys(): { groupKey: Hex; dkgId: number } {
    const layout = {
      parties: this.federation.parties.map((p) => ({ id: p.id, keyIds: p.keyIds })),
      threshold: this.federation.threshold,
    };
    const { pub, keyShares } = dealKeys(layout, seededBytes(this.opts.seed, 'dealer'));
    const dkgId = 1;
    for (const node of this.nodes.values()) {
      let state: SignerState | CoordinatorState;
      if (node.kind === 'signer') {
        const own: Record<string, Hex> = {};
        for (const k of this.federation.parties.find((p) => p.id === node.id)!.keyIds)
          own[String(k)] = keyShares[String(k)]!;
        state = {
          ...node.state,
          maxDkgId: dkgId,
          current: {
            dkgId,
            pub,
            keyShares: own,
            status: 'verified',
            verificationSigned: true,
            transcript: null,
          },
        };
      } else state = { ...node.state, maxDkgId: dkgId, key: { dkgId, pub, verification: '' } };
      // As a shell would install it: saved, then the process (re)started from the store.
      (node.store as MemoryStore<typeof state>).save({ state, timers: { ...node.driver.timers } });
      now(node.driver.start());
    }
    return { groupKey: pub.groupKey, dkgId };
  }

  /** Invariant: no honest signer ever sent two different share sets for one nonce. */
  nonceReuse(): string[] {
    return this.shares.reused();
  }

  /** Invariant: every produced signature verifies under BIP340 with the group key. */
  invalidSignatures(groupKey: Hex): number {
    return invalidSignatures(this.coordinatorReports, groupKey);
  }
}

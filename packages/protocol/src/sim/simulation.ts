/**
 * A deterministic in-memory federation: N signers, one or more coordinators, a relay with seeded
 * delays, drops, duplicates and reordering, a fake clock, scripted adversaries and crash/restart
 * injection. Everything derives from one seed, so a failing run replays exactly.
 *
 * The shell semantics it models (what apps/signer and apps/coordinator must do):
 * - every message travels as @peg/wire bytes: `send` effects are sealed (`sealJson`) with the
 *   node's identity key, `forward` effects post the stored envelope's exact bytes, and every
 *   delivery is `open`ed against the federation's keys before the machine sees it (a refused
 *   envelope never reaches a machine);
 * - effects run in order; `persist` saves the state returned by the step (with armed timers);
 * - the relay is at-least-once: an input whose effects were interrupted by a crash is delivered
 *   again after the restart;
 * - `set-timer` with an existing id replaces that timer.
 */
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson, open, sealJson, type UnsignedEnvelopeJson } from '@peg/wire';
import type { CoordinatorInput, CoordinatorReport } from '../coordinator/reports.ts';
import { type CoordinatorState, initialCoordinatorState } from '../coordinator/state.ts';
import { coordinatorStep } from '../coordinator/step.ts';
import type { Hex, Rng } from '../crypto.ts';
import { dealKeys, jsonDigest, outputKey, verifyBip340 } from '../crypto.ts';
import type { Outgoing, WireEnvelope } from '../envelopes.ts';
import { coordinatorOrder } from '../selection.ts';
import type { SignerInput, SignerReport } from '../signer/reports.ts';
import type { Policy } from '../signer/sign.ts';
import { initialSignerState, type SignerState } from '../signer/state.ts';
import { signerStep } from '../signer/step.ts';
import type { Address, Effect, FederationConfig, Timeouts } from '../types.ts';
import { adversarial, type Behaviour } from './adversary.ts';
import { seededBytes, seededFloat } from './random.ts';

/** Relay faults. Delays are uniform in [minDelay, maxDelay] ms, which also reorders. */
export type NetworkFaults = { minDelay: number; maxDelay: number; drop: number; duplicate: number };

export const DEFAULT_TIMEOUTS: Timeouts = {
  dkgPublic: 2_000,
  dkgPrivate: 2_000,
  dkgEnd: 2_000,
  nonce: 1_000,
  sign: 1_000,
  resend: 250,
  takeover: 30_000,
};

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

type NodeKey = string; // 's:<id>' | 'c:<id>'
type Timers = Record<string, number>;

type Node =
  | {
      kind: 'signer';
      id: number;
      state: SignerState;
      saved: string;
      timers: Timers;
      up: boolean;
      rng: Rng;
    }
  | {
      kind: 'coordinator';
      id: number;
      state: CoordinatorState;
      saved: string;
      timers: Timers;
      up: boolean;
      rng: Rng;
    };

type Ev =
  | {
      at: number;
      seq: number;
      kind: 'deliver';
      to: NodeKey;
      from: number;
      /** The envelope's sealed bytes (UTF-8 JSON text). */
      bytes: string;
    }
  | { at: number; seq: number; kind: 'timer'; to: NodeKey; id: string; at0: number }
  | { at: number; seq: number; kind: 'input'; to: NodeKey; input: SignerInput | CoordinatorInput }
  | { at: number; seq: number; kind: 'restart'; to: NodeKey; redeliver: Ev | null };

/** A crash plan: crash `node` while it runs the effects of its n-th matching input. */
export type CrashPlan = {
  node: NodeKey;
  /** Which input triggers it. */
  when: (input: SignerInput | CoordinatorInput) => boolean;
  /** Crash before executing the effect at this index (0 = before any effect). */
  beforeEffect: number;
  restartAfter: number;
};

export type Logged<R> = { at: number; node: NodeKey; report: R };

/** Rebuilds the sighashes of a simulated transaction: count = first byte, one per input. */
export function sighashesOf(payload: Hex): Hex[] {
  const bytes = hexToBytes(payload);
  const count = bytes[0] ?? 0;
  const out: Hex[] = [];
  for (let i = 0; i < count; i++)
    out.push(bytesToHex(sha256(concatBytes(bytes, Uint8Array.of(i)))));
  return out;
}

/** Request ids at or above this are on the simulated signers' block list. */
export const BLOCKLISTED = 1_000_000;

/** The simulation's signer policy: refuses block-listed request ids, else rebuilds the sighashes. */
export const simPolicy: Policy = (req) =>
  req.withdrawalRequestIds.some((r) => r >= BLOCKLISTED)
    ? { approve: false, reason: 'blocklisted' }
    : {
        approve: true,
        messages: sighashesOf(req.unsignedTransaction),
        tweak: { type: 'taproot', merkleRoot: null },
      };

class Heap {
  private a: Ev[] = [];
  get size(): number {
    return this.a.length;
  }
  push(e: Ev): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Ev | undefined {
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
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
const less = (x: Ev, y: Ev) => x.at < y.at || (x.at === y.at && x.seq < y.seq);

/** The federation under simulation. */
export class Simulation {
  readonly opts: SimOptions;
  readonly federation: FederationConfig;
  readonly tip: Hex;
  /** Height of `tip` (the chain does not move in the simulation). */
  readonly tipHeight = 100;
  /** Identity secret keys by party id (the shells' keys: machines never see them). */
  readonly secrets = new Map<number, Uint8Array>();
  private readonly keys = new Map<number, Uint8Array>();
  private readonly opened = new Map<string, WireEnvelope | null>();
  /** Deliveries `open` refused (forged, malformed or from an unknown key): dropped by the shell. */
  refusedAtOpen = 0;
  readonly nodes = new Map<NodeKey, Node>();
  readonly coordinatorIds: number[];
  now = 0;
  private seq = 0;
  private readonly queue = new Heap();
  private readonly net: () => number;
  private readonly faults: NetworkFaults;
  readonly signerReports: Logged<SignerReport>[] = [];
  readonly coordinatorReports: Logged<CoordinatorReport>[] = [];
  /** (signer/signId/iteration) -> distinct share responses sent by that honest signer. */
  readonly sharesByNonce = new Map<string, Set<string>>();
  readonly crashPlans: CrashPlan[] = [];
  readonly trace: Delivery[] = [];
  private deferred: Ev[] = [];
  /** Crash plans that fired (node, input type, effect index). */
  readonly crashes: { node: string; input: string; beforeEffect: number }[] = [];
  events = 0;
  messagesSent = 0;
  /** Envelopes posted again unchanged by a `forward` effect (the coordinator's DKG recovery). */
  forwarded = 0;
  /** Time spent inside the machines' `step` calls (pure computation). */
  stepMs = 0;
  /** Time spent sealing and opening envelopes (what each shell adds; a broadcast opens once here). */
  wireMs = 0;

  constructor(opts: SimOptions) {
    this.opts = opts;
    this.net = seededFloat(opts.seed ^ 0x5eed);
    this.faults = { minDelay: 5, maxDelay: 40, drop: 0, duplicate: 0, ...opts.faults };
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
    for (const p of parties) {
      const state = initialSignerState({ id: p.id, federation: this.federation });
      this.nodes.set(`s:${p.id}`, {
        kind: 'signer',
        id: p.id,
        state,
        saved: JSON.stringify({ state, timers: {} }),
        timers: {},
        up: true,
        rng: seededBytes(opts.seed, `signer/${p.id}`),
      });
    }
    for (const id of this.coordinatorIds) {
      const state = initialCoordinatorState({
        id,
        federation: this.federation,
        maxDkgAttempts: opts.maxDkgAttempts ?? 5,
        maxNonceTimeouts: opts.maxNonceTimeouts ?? 3,
      });
      this.nodes.set(`c:${id}`, {
        kind: 'coordinator',
        id,
        state,
        saved: JSON.stringify({ state, timers: {} }),
        timers: {},
        up: true,
        rng: seededBytes(opts.seed, `coordinator/${id}`),
      });
    }
    for (const key of this.nodes.keys())
      this.input(key, { type: 'chain-tip', tip: this.tip, height: this.tipHeight }, 0);
  }

  /** Behaviour of a signer (honest unless scripted). */
  behaviour(id: number): Behaviour {
    return this.opts.behaviours?.[id] ?? 'honest';
  }

  /** The active (first in line) coordinator id. */
  get coordinator(): number {
    return this.coordinatorIds[0]!;
  }

  /** Queues an input for a node after `delay` ms. */
  input(to: NodeKey, input: SignerInput | CoordinatorInput, delay = 0): void {
    this.queue.push({ at: this.now + delay, seq: this.seq++, kind: 'input', to, input });
  }

  /** Sends a command to every coordinator process (each shell sees the same chain). */
  command(command: Extract<CoordinatorInput, { type: 'command' }>['command']): void {
    for (const id of this.coordinatorIds) this.input(`c:${id}`, { type: 'command', command });
  }

  /** Delivers raw envelope bytes to a node, as if the relay had (a replay, a forged request). */
  inject(to: NodeKey, from: number, bytes: string, delay = 0): void {
    this.queue.push({ at: this.now + delay, seq: this.seq++, kind: 'deliver', to, from, bytes });
  }

  /** Seals a message as party `from` (the sim holds every shell's key), e.g. to inject it. */
  seal(from: number, message: Outgoing, rng: Rng = seededBytes(this.opts.seed, 'seal')): string {
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

  /** Runs until `done` holds, the queue drains, or `maxTime` ms of simulated time pass. */
  run(done: () => boolean, maxTime = 600_000): boolean {
    const end = this.now + maxTime;
    while (this.queue.size > 0) {
      if (done()) return true;
      const ev = this.queue.pop()!;
      if (ev.at > end) {
        this.queue.push(ev);
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

  private process(ev: Ev): void {
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
    let input: SignerInput | CoordinatorInput;
    if (ev.kind === 'timer') {
      if (node.timers[ev.id] !== ev.at0) return; // cancelled or replaced
      delete node.timers[ev.id];
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
    const t0 = performance.now();
    const result =
      node.kind === 'signer'
        ? signerStep(node.state, input as SignerInput, { now: this.now, rng: node.rng })
        : coordinatorStep(node.state, input as CoordinatorInput, { now: this.now, rng: node.rng });
    this.stepMs += performance.now() - t0;
    const plan = this.crashPlans.findIndex((p) => p.node === ev.to && p.when(input));
    const crashAt = plan >= 0 ? this.crashPlans[plan]!.beforeEffect : -1;
    const effects = result.effects as Effect<SignerReport | CoordinatorReport>[];
    for (let i = 0; i < effects.length; i++) {
      if (i === crashAt) {
        const p = this.crashPlans.splice(plan, 1)[0]!;
        this.crash(node, ev, p.restartAfter);
        this.crashes[this.crashes.length - 1]!.beforeEffect = i;
        return;
      }
      this.effect(node, result.state, effects[i]!);
    }
    if (crashAt >= effects.length) {
      const p = this.crashPlans.splice(plan, 1)[0]!;
      node.state = result.state as never;
      this.crash(node, ev, p.restartAfter);
      this.crashes[this.crashes.length - 1]!.beforeEffect = effects.length;
      return;
    }
    node.state = result.state as never;
  }

  private effect(node: Node, state: unknown, e: Effect<SignerReport | CoordinatorReport>): void {
    switch (e.type) {
      case 'persist': {
        const saved = JSON.stringify({ state, timers: node.timers });
        if (this.opts.checkJson) {
          const back = JSON.stringify(JSON.parse(saved));
          if (back !== saved)
            throw new Error(`seed ${this.opts.seed}: state not JSON round-trip safe`);
        }
        node.saved = saved;
        return;
      }
      case 'set-timer':
        node.timers[e.id] = e.at;
        this.queue.push({
          at: e.at,
          seq: this.seq++,
          kind: 'timer',
          to: this.key(node),
          id: e.id,
          at0: e.at,
        });
        return;
      case 'cancel-timer':
        delete node.timers[e.id];
        return;
      case 'report':
        if (node.kind === 'signer')
          this.signerReports.push({
            at: this.now,
            node: this.key(node),
            report: e.report as SignerReport,
          });
        else
          this.coordinatorReports.push({
            at: this.now,
            node: this.key(node),
            report: e.report as CoordinatorReport,
          });
        return;
      case 'send':
        this.send(node, state, e.to, e.message);
        return;
      case 'forward':
        this.forwarded++;
        this.post(node, e.to, canonicalJson(e.envelope) ?? '', 0);
        return;
      case 'check-policy': {
        // The signer's shell asks its policy (reading the chains takes a little while).
        const { signId, iteration } = e.request;
        const decision = (this.opts.policy ?? simPolicy)(e.request);
        this.input(
          this.key(node),
          { type: 'policy', signId, iteration, decision },
          1 + Math.floor(this.net() * 5),
        );
        return;
      }
    }
  }

  private key(node: Node): NodeKey {
    return `${node.kind === 'signer' ? 's' : 'c'}:${node.id}`;
  }

  private recipients(node: Node, to: Address): NodeKey[] {
    if (to.kind === 'signer') return [`s:${to.id}`];
    if (to.kind === 'coordinator') return [`c:${to.id}`];
    const self = this.key(node);
    return [...this.nodes.keys()].filter((k) => k !== self);
  }

  private send(node: Node, state: unknown, to: Address, message: Outgoing): void {
    if (
      node.kind === 'signer' &&
      message.kind === 'signature-share-response' &&
      this.behaviour(node.id) !== 'bad-share'
    ) {
      // Keyed by the nonce itself: sign ids repeat across coordinator scopes (session-ids.ts).
      const nonce = (state as SignerState).signing?.response.payload.nonces;
      const k = `${node.id}/${message.signId}/${message.iteration}/${jsonDigest('sim/nonce', nonce ?? null)}`;
      const set = this.sharesByNonce.get(k) ?? new Set<string>();
      set.add(jsonDigest('sim/share', message.payload.shares));
      this.sharesByNonce.set(k, set);
    }
    // Sealed once per distinct outgoing message (a broadcast is one post to the relay).
    const sealed = new Map<Outgoing, string>();
    for (const r of this.recipients(node, to)) {
      let msg = message;
      let extra = 0;
      if (node.kind === 'signer') {
        const addr: Address = r.startsWith('s:')
          ? { kind: 'signer', id: Number(r.slice(2)) }
          : { kind: 'coordinator', id: Number(r.slice(2)) };
        const out = adversarial(
          this.behaviour(node.id),
          state as SignerState,
          message,
          addr,
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
      this.postTo(node, r, bytes, extra);
    }
  }

  /** Posts exact bytes (a forwarded envelope) to the recipients of `to`. */
  private post(node: Node, to: Address, bytes: string, extra: number): void {
    for (const r of this.recipients(node, to)) this.postTo(node, r, bytes, extra);
  }

  private postTo(node: Node, r: NodeKey, bytes: string, extra: number): void {
    this.messagesSent++;
    const copies = this.net() < this.faults.duplicate ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      if (this.net() < this.faults.drop) continue;
      const delay =
        this.faults.minDelay +
        Math.floor(this.net() * (this.faults.maxDelay - this.faults.minDelay + 1));
      this.queue.push({
        at: this.now + delay + extra,
        seq: this.seq++,
        kind: 'deliver',
        to: r,
        from: node.id,
        bytes,
      });
    }
  }

  /** Schedules a crash of `node` at its next input matching `when`, before effect `beforeEffect`. */
  planCrash(plan: CrashPlan): void {
    this.crashPlans.push(plan);
  }

  private crash(node: Node, ev: Ev, restartAfter: number): void {
    this.crashes.push({
      node: this.key(node),
      input: ev.kind === 'deliver' ? (this.openBytes(ev.bytes)?.kind ?? 'refused') : ev.kind,
      beforeEffect: -1,
    });
    node.up = false;
    node.timers = {};
    // At-least-once relay: the interrupted input comes again after the restart.
    const redeliver = ev.kind === 'deliver' || ev.kind === 'input' ? ev : null;
    this.queue.push({
      at: this.now + restartAfter,
      seq: this.seq++,
      kind: 'restart',
      to: this.key(node),
      redeliver,
    });
  }

  private restart(node: Node, ev: Extract<Ev, { kind: 'restart' }>): void {
    const saved = JSON.parse(node.saved) as { state: never; timers: Timers };
    node.state = saved.state;
    node.timers = {};
    node.up = true;
    const key = this.key(node);
    for (const [id, at] of Object.entries(saved.timers)) {
      node.timers[id] = at;
      this.queue.push({
        at: Math.max(at, this.now),
        seq: this.seq++,
        kind: 'timer',
        to: key,
        id,
        at0: at,
      });
    }
    // The shell feeds the chain tip it reads at start-up, then the interrupted input again.
    this.queue.push({
      at: this.now,
      seq: this.seq++,
      kind: 'input',
      to: key,
      input: { type: 'chain-tip', tip: this.tip, height: this.tipHeight },
    });
    if (ev.redeliver !== null) this.queue.push({ ...ev.redeliver, at: this.now, seq: this.seq++ });
    const mine = this.deferred.filter((d) => d.to === key);
    this.deferred = this.deferred.filter((d) => d.to !== key);
    for (const d of mine) this.queue.push({ ...d, at: this.now, seq: this.seq++ });
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
      this.run(() => false, this.faults.maxDelay + 1);
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

  /** Runs one peg-out signing round (`inputs` messages) to its outcome. */
  sign(
    withdrawalRequestIds: number[],
    inputs = 1,
    maxTime = 600_000,
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
      messages: sighashesOf(unsignedTransaction),
      tweak: { type: 'taproot', merkleRoot: null },
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
      if (node.kind === 'signer') {
        const own: Record<string, Hex> = {};
        for (const k of this.federation.parties.find((p) => p.id === node.id)!.keyIds)
          own[String(k)] = keyShares[String(k)]!;
        node.state = {
          ...node.state,
          maxDkgId: dkgId,
          current: { dkgId, pub, keyShares: own, status: 'verified', verificationSigned: true },
        };
      } else node.state = { ...node.state, maxDkgId: dkgId, key: { dkgId, pub, verification: '' } };
      node.saved = JSON.stringify({ state: node.state, timers: node.timers });
    }
    return { groupKey: pub.groupKey, dkgId };
  }

  /** Invariant: no honest signer ever sent two different share sets for one nonce. */
  nonceReuse(): string[] {
    return [...this.sharesByNonce.entries()].filter(([, v]) => v.size > 1).map(([k]) => k);
  }

  /** Invariant: every produced signature verifies under BIP340 with the group key. */
  invalidSignatures(groupKey: Hex): number {
    let bad = 0;
    for (const { report: r } of this.coordinatorReports)
      if (r.kind === 'signature')
        r.signatures.forEach((sig, i) => {
          if (!verifyBip340(sig, r.messages[i]!, outputKey(groupKey, r.tweak))) bad++;
        });
    return bad;
  }
}

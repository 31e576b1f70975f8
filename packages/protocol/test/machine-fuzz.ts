/**
 * Property-based fuzz of both machines (fast-check): random sequences of validly sealed envelopes
 * of every machine-relevant kind, from members and from the active coordinator, with ids at the
 * edges (1, the current value and its neighbours, the window's edge, 2^32 - 2, 2^32 - 1; 0 is not
 * a valid id on the wire), party lists at their bounds, chain tips around ours, phases out of
 * order, timers and commands in between. Every signer and every coordinator machine sees the
 * same sequence. Checked after every step: no throw, no second share for one nonce, state size
 * bounded. Then a new block arrives and an honest round must still sign.
 *
 * Shared by `machine-fuzz.test.ts` (CI, bounded) and `scripts/nightly.ts` (20x longer).
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalJson, type Kind, open, sealJson, type UnsignedEnvelopeJson } from '@peg/wire';
import fc from 'fast-check';
import type { CoordinatorInput, CoordinatorReport } from '../src/coordinator/reports.ts';
import type { CoordinatorState } from '../src/coordinator/state.ts';
import { coordinatorStep } from '../src/coordinator/step.ts';
import { jsonDigest } from '../src/digests.ts';
import type { Outgoing, WireEnvelope } from '../src/envelopes.ts';
import type { Effect } from '../src/machine.ts';
import { activeCoordinator, TAKEOVER_TIMER } from '../src/selection.ts';
import { DKG_IDS_PER_SCOPE } from '../src/session-ids.ts';
import type { SignerInput, SignerReport } from '../src/signer/reports.ts';
import type { SignerState } from '../src/signer/state.ts';
import { signerStep } from '../src/signer/step.ts';
import { seededBytes } from '../src/sim/random.ts';
import { Simulation } from '../src/sim/simulation.ts';
import { toyPolicy, toySighashes } from '../src/sim/toy-policy.ts';

const MAX_ID = 2 ** 32 - 1;

/** A federation after a DKG and a few rounds: the machines' states and one envelope per kind. */
export type FuzzBase = {
  sim: Simulation;
  signers: Map<number, SignerState>;
  coordinators: Map<number, CoordinatorState>;
  templates: Map<Kind, WireEnvelope>;
  dkgId: number;
  /** Largest JSON size of any machine state in the base. */
  baseSize: number;
};

export function fuzzBase(seed = 606): FuzzBase {
  const sim = new Simulation({
    seed,
    weights: [1, 2, 1, 1],
    threshold: 3,
    coordinators: 'all',
    trace: true,
    faults: { drop: 0.05 }, // lost messages: the resends give dkg-query and its response too
  });
  const d = sim.dkg();
  if (d.kind !== 'dkg-complete') throw new Error(`fuzz base: DKG failed (seed ${seed})`);
  for (let i = 0; i < 3; i++) sim.sign([i], 2);
  const templates = new Map<Kind, WireEnvelope>();
  for (const { envelope } of sim.trace)
    if (!templates.has(envelope.kind)) templates.set(envelope.kind, envelope);
  const signers = new Map<number, SignerState>();
  const coordinators = new Map<number, CoordinatorState>();
  for (const node of sim.nodes.values()) {
    const copy = structuredClone(node.state);
    if (node.kind === 'signer') signers.set(node.id, copy as SignerState);
    else coordinators.set(node.id, copy as CoordinatorState);
  }
  const baseSize = Math.max(
    ...[...signers.values(), ...coordinators.values()].map((s) => JSON.stringify(s).length),
  );
  return { sim, signers, coordinators, templates, dkgId: d.dkgId, baseSize };
}

type IdChoice =
  | 'one'
  | 'cur-1'
  | 'cur'
  | 'cur+1'
  | 'cur+2'
  | 'window'
  | 'window+1'
  | 'max-1'
  | 'max';

/** One fuzz event. */
type Event =
  | {
      type: 'message';
      kind: Kind;
      /** Sender: index into the party list, or -1 for the active coordinator. */
      sender: number;
      dkgId: IdChoice;
      signId: IdChoice;
      iteration: IdChoice;
      tipOffset: number;
      /** Party-list choice for list-carrying payloads: which parties, by bit mask. */
      mask: number;
      /** 0 = template payload, 1..n = a variant (fewer items, more items, other values). */
      variant: number;
    }
  | { type: 'timer'; which: 'takeover' | 'resend' | 'deadline' }
  | { type: 'command'; which: 'sign' | 'dkg' }
  | { type: 'advance'; ms: number };

const FUZZ_KINDS: Kind[] = [
  'public-address-available',
  'dkg-begin',
  'dkg-public-shares',
  'dkg-private-begin',
  'dkg-private-shares',
  'dkg-end-begin',
  'dkg-end',
  'dkg-query',
  'dkg-query-response',
  'nonce-request',
  'nonce-response',
  'signature-share-request',
  'signature-share-response',
];

/** Ids at the edges, as positions the base turns into numbers. */
const idChoice: fc.Arbitrary<IdChoice> = fc.constantFrom(
  'one',
  'cur-1',
  'cur',
  'cur+1',
  'cur+2',
  'window',
  'window+1',
  'max-1',
  'max',
);
const idOf = (c: IdChoice, cur: number): number => {
  const v = {
    one: 1,
    'cur-1': cur - 1,
    cur,
    'cur+1': cur + 1,
    'cur+2': cur + 2,
    window: cur + DKG_IDS_PER_SCOPE,
    'window+1': cur + DKG_IDS_PER_SCOPE + 1,
    'max-1': MAX_ID - 1,
    max: MAX_ID,
  }[c];
  return Math.min(MAX_ID, Math.max(1, v));
};

const messageEvent = fc
  .record({
    kind: fc.constantFrom(...FUZZ_KINDS),
    sender: fc.integer({ min: -1, max: 3 }),
    dkgId: idChoice,
    signId: idChoice,
    iteration: idChoice,
    tipOffset: fc.constantFrom(0, 0, 0, -1, 1, -2, 2),
    mask: fc.integer({ min: 0, max: 15 }),
    variant: fc.integer({ min: 0, max: 3 }),
  })
  .map((m) => ({ type: 'message' as const, ...m }));

export const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 12, arbitrary: messageEvent as fc.Arbitrary<Event> },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('takeover', 'resend', 'deadline')
      .map((which) => ({ type: 'timer' as const, which }) as Event),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('sign', 'dkg')
      .map((which) => ({ type: 'command' as const, which }) as Event),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 5_000 })
      .map((ms) => ({ type: 'advance' as const, ms }) as Event),
  },
);

/** The payload of one fuzz message: the template's, or a variant with lists at their bounds. */
function payloadOf(base: FuzzBase, e: Extract<Event, { type: 'message' }>): unknown {
  const t = base.templates.get(e.kind);
  const parties = base.sim.federation.parties;
  const listed = parties.filter((_, i) => e.mask & (1 << i)).map((p) => p.id);
  const ids = listed.length > 0 ? listed : [parties[0]!.id];
  const digest = (i: number) => jsonDigest('fuzz', [e.kind, i, e.variant]);
  switch (e.kind) {
    case 'dkg-begin':
      return {
        threshold: e.variant === 3 ? 2 : base.sim.federation.threshold,
        parties: parties
          .filter((p) => ids.includes(p.id))
          .map((p) => ({
            partyId: p.id,
            keyIds: e.variant === 2 ? [p.keyIds[0]!] : [...p.keyIds],
          })),
      };
    case 'dkg-private-begin':
    case 'dkg-end-begin':
      return { partyIds: ids, echo: ids.map(digest) };
    case 'nonce-request':
    case 'signature-share-request': {
      const tx = `0${1 + e.variant}${'5a'.repeat(31)}`;
      const body = {
        messages: toySighashes(tx),
        rebuild: { withdrawalRequestIds: [e.mask], unsignedTransaction: tx },
        tweak: e.variant === 3 ? { type: 'none' } : { type: 'taproot', merkleRoot: null },
      };
      if (e.kind === 'nonce-request') return body;
      const tpl = base.templates.get('signature-share-request') as
        | Extract<WireEnvelope, { kind: 'signature-share-request' }>
        | undefined;
      const commitments = (tpl?.payload.commitments ?? []).map((c) => ({
        ...c,
        nonces: Array.from(
          { length: body.messages.length },
          (_, i) => c.nonces[i % c.nonces.length]!,
        ),
      }));
      return { ...body, commitments: e.variant === 1 ? commitments.slice(0, 1) : commitments };
    }
    case 'signature-share-response':
      return { shares: Array.from({ length: 1 + e.variant }, (_, i) => digest(i)) };
    case 'dkg-query':
      return {};
    case 'dkg-query-response':
      return e.variant === 0 || t === undefined ? { result: { type: 'none' } } : t.payload;
    case 'dkg-end':
      return e.variant === 1
        ? {
            status: { type: 'failed', reasons: [{ type: 'missing-public-shares', partyIds: ids }] },
          }
        : t?.payload;
    default:
      return t?.payload;
  }
}

type Tip = { height: number; hash: string };

/** Seals as `from` at `tip` and opens like a shell; null when the wire refuses it (not valid). */
function sealed(
  base: FuzzBase,
  from: number,
  m: unknown,
  tip: Tip,
  aux: number,
): WireEnvelope | null {
  const sim = base.sim;
  const key = sim.secrets.get(from)!;
  const pub = sim.federation.parties.find((p) => p.id === from)!.publicKey;
  const unsigned = {
    ...(m as object),
    sender: { partyId: from, publicKey: pub },
    chainTip: tip,
  } as unknown as UnsignedEnvelopeJson;
  let bytes: Uint8Array;
  try {
    bytes = sealJson(unsigned, key, { auxRand: seededBytes(aux, 'aux')(32) });
  } catch {
    return null; // a shape the wire never seals: not a validly sealed envelope
  }
  const keys = new Map(sim.federation.parties.map((p) => [p.id, hexBytes(p.publicKey)]));
  const r = open(bytes, keys);
  return r.ok ? r.json : null;
}
const hexBytes = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

type Machines = {
  now: number;
  signers: Map<number, SignerState>;
  coordinators: Map<number, CoordinatorState>;
  /** nonce (signer/digest of its commitments) -> distinct share payloads sent with it. */
  shares: Map<string, Set<string>>;
  maxSize: number;
  steps: number;
  /** Armed timers per node ('s:1', 'c:2'): id -> when, as the shells keep them. */
  timers: Map<string, Map<string, number>>;
};

function track(m: Machines, node: string, effects: AnyEffect[]): void {
  const armed = m.timers.get(node) ?? new Map<string, number>();
  m.timers.set(node, armed);
  for (const e of effects)
    if (e.type === 'set-timer') armed.set(e.id, e.at);
    else if (e.type === 'cancel-timer') armed.delete(e.id);
}

type AnyEffect = Effect<SignerReport | CoordinatorReport>;

function stepSigner(m: Machines, id: number, input: SignerInput, label: string): AnyEffect[] {
  const s = m.signers.get(id)!;
  const out = signerStep(s, input, { now: m.now, rng: seededBytes(m.steps, label) });
  m.steps++;
  track(m, `s:${id}`, out.effects);
  m.signers.set(id, out.state);
  m.maxSize = Math.max(m.maxSize, JSON.stringify(out.state).length);
  for (const e of out.effects)
    if (e.type === 'send' && e.message.kind === 'signature-share-response') {
      const sg = out.state.signing!;
      const nonce = `${id}/${jsonDigest('fuzz/nonce', sg.response.payload.nonces)}`;
      const set = m.shares.get(nonce) ?? new Set<string>();
      set.add(jsonDigest('fuzz/share', e.message.payload.shares));
      m.shares.set(nonce, set);
    }
  // The shell answers a policy question at once (the simulation's policy).
  const effects: AnyEffect[] = [...out.effects];
  for (const e of out.effects)
    if (e.type === 'check-policy') {
      const { signId, iteration } = e.request;
      const decision = toyPolicy(e.request);
      effects.push(
        ...stepSigner(m, id, { type: 'policy', signId, iteration, decision }, `${label}/p`),
      );
    }
  return effects;
}

function stepCoordinator(
  m: Machines,
  id: number,
  input: CoordinatorInput,
  label: string,
): AnyEffect[] {
  const s = m.coordinators.get(id)!;
  const out = coordinatorStep(s, input, { now: m.now, rng: seededBytes(m.steps, label) });
  m.steps++;
  track(m, `c:${id}`, out.effects);
  m.coordinators.set(id, out.state);
  m.maxSize = Math.max(m.maxSize, JSON.stringify(out.state).length);
  return out.effects;
}

const SIGN_COMMAND = (i: number) => {
  const tx = `01${i.toString(16).padStart(62, '0')}`;
  return {
    kind: 'sign' as const,
    withdrawalRequestIds: [i],
    unsignedTransaction: tx,
    messages: toySighashes(tx),
    tweak: { type: 'taproot' as const, merkleRoot: null },
  };
};

/** Plays one fuzz sequence on every machine. Throws when a machine throws. */
export function playSequence(base: FuzzBase, events: Event[]): Machines {
  const m: Machines = {
    now: base.sim.now + 1,
    signers: new Map([...base.signers].map(([k, v]) => [k, structuredClone(v)])),
    coordinators: new Map([...base.coordinators].map(([k, v]) => [k, structuredClone(v)])),
    shares: new Map(),
    maxSize: 0,
    steps: 0,
    timers: new Map(),
  };
  const parties = base.sim.federation.parties;
  const tip = { height: base.sim.tipHeight, hash: base.sim.tip };
  const active = base.sim.coordinator;
  events.forEach((e, n) => {
    if (e.type === 'advance') {
      m.now += e.ms;
      return;
    }
    if (e.type === 'timer') {
      for (const [id, s] of m.coordinators) {
        const timer =
          e.which === 'takeover'
            ? TAKEOVER_TIMER
            : e.which === 'resend'
              ? 'resend'
              : `deadline:${s.deadline}`;
        stepCoordinator(m, id, { type: 'timer', id: timer }, `t${n}`);
      }
      if (e.which === 'takeover')
        for (const id of m.signers.keys())
          stepSigner(m, id, { type: 'timer', id: TAKEOVER_TIMER }, `t${n}`);
      return;
    }
    if (e.type === 'command') {
      const command = e.which === 'dkg' ? ({ kind: 'dkg' } as const) : SIGN_COMMAND(n);
      for (const id of m.coordinators.keys())
        stepCoordinator(m, id, { type: 'command', command }, `c${n}`);
      return;
    }
    const from = e.sender < 0 ? active : parties[e.sender % parties.length]!.id;
    const signer = m.signers.get(from)!;
    const message = {
      kind: e.kind,
      dkgId: idOf(e.dkgId, Math.max(base.dkgId, signer.maxDkgId)),
      signId: idOf(e.signId, signer.lastSign.signId),
      iteration: idOf(e.iteration, signer.lastSign.iteration),
      payload: payloadOf(base, e),
    };
    const envelope = sealed(base, from, message, { ...tip, height: tip.height + e.tipOffset }, n);
    if (envelope === null) return;
    for (const id of m.signers.keys()) stepSigner(m, id, { type: 'message', envelope }, `m${n}`);
    for (const id of m.coordinators.keys())
      stepCoordinator(m, id, { type: 'message', envelope }, `m${n}`);
  });
  return m;
}

const HONEST = 999_999;

/**
 * After a fuzz sequence: the next block arrives and the coordinator active for it runs an honest
 * round over a loss-free relay (every effect delivered at once, sealed and opened as the shells
 * do). Returns the outcome report, if any.
 */
export function honestRoundAfter(base: FuzzBase, m: Machines): CoordinatorReport | undefined {
  const parties = base.sim.federation.parties;
  const tip = {
    height: base.sim.tipHeight + 1,
    hash: bytesToHex(seededBytes(m.steps, 'next-block')(32)),
  };
  m.now += 1;
  const leader = activeCoordinator(tip.hash, parties, 0);
  type Job = { to: string; input: SignerInput | CoordinatorInput };
  const queue: Job[] = [];
  let outcome: CoordinatorReport | undefined;
  const run = (from: number, effects: AnyEffect[]) => {
    for (const e of effects) {
      if (e.type === 'report') {
        const r = e.report as CoordinatorReport;
        if (
          (r.kind === 'signature' || r.kind === 'insufficient-signers') &&
          r.withdrawalRequestIds[0] === HONEST
        )
          outcome ??= r;
      }
      let envelope: WireEnvelope | null = null;
      let to: string[] = [];
      if (e.type === 'send') {
        envelope = sealed(base, from, e.message as Outgoing, tip, m.steps);
        if (envelope === null) throw new Error(`honest round: the wire refused ${e.message.kind}`);
      } else if (e.type === 'forward') envelope = JSON.parse(canonicalJson(e.envelope) ?? 'null');
      if (envelope === null || (e.type !== 'send' && e.type !== 'forward')) continue;
      const a = e.to;
      if (a.kind === 'broadcast')
        to = [
          ...[...m.signers.keys()].map((i) => `s:${i}`),
          ...[...m.coordinators.keys()].map((i) => `c:${i}`),
        ].filter((k) => k !== `c:${from}`);
      else if (a.kind === 'signers') to = a.ids.map((id) => `s:${id}`);
      else to = [`${a.kind === 'signer' ? 's' : 'c'}:${a.id}`];
      for (const k of to) queue.push({ to: k, input: { type: 'message', envelope } });
    }
  };
  // The block reaches everyone; queued work may start at once (its effects are run too).
  const tipInput = { type: 'chain-tip' as const, tip: tip.hash, height: tip.height };
  for (const id of m.signers.keys()) run(id, stepSigner(m, id, tipInput, 'tip'));
  for (const id of m.coordinators.keys()) run(id, stepCoordinator(m, id, tipInput, 'tip'));
  run(
    leader,
    stepCoordinator(m, leader, { type: 'command', command: SIGN_COMMAND(HONEST) }, 'honest'),
  );

  for (let i = 0; i < 20_000 && outcome === undefined; i++) {
    if (queue.length === 0) {
      // Nothing in flight: the earliest armed timer fires (a phase deadline, a resend tick).
      let next: { node: string; id: string; at: number } | undefined;
      for (const [node, armed] of m.timers)
        for (const [id, at] of armed)
          if (next === undefined || at < next.at) next = { node, id, at };
      if (next === undefined) break;
      m.timers.get(next.node)!.delete(next.id);
      m.now = Math.max(m.now, next.at);
      queue.push({ to: next.node, input: { type: 'timer', id: next.id } });
    }
    const job = queue.shift()!;
    const id = Number(job.to.slice(2));
    if (job.to.startsWith('s:')) run(id, stepSigner(m, id, job.input as SignerInput, `h${i}`));
    else run(id, stepCoordinator(m, id, job.input as CoordinatorInput, `h${i}`));
  }
  return outcome;
}

/** Sequences per CI run (fixed seed); the nightly script runs `NIGHTLY_FACTOR` times as many. */
export const CI_FUZZ_RUNS = 20;
export const CI_FUZZ_SEED = 20_261_202;
export const NIGHTLY_FACTOR = 20;

export type FuzzStats = {
  runs: number;
  events: number;
  steps: number;
  maxStateBytes: number;
  ms: number;
};

/** Runs the property `runs` times from `seed`; throws (with fast-check's seed and path) on failure. */
export function fuzzMachines(
  base: FuzzBase,
  runs: number,
  seed: number,
  maxEvents = 24,
): FuzzStats {
  const t0 = performance.now();
  const stats = { runs: 0, events: 0, steps: 0, maxStateBytes: 0 };
  fc.assert(
    fc.property(fc.array(eventArb, { minLength: 4, maxLength: maxEvents }), (events) => {
      const m = playSequence(base, events);
      for (const [nonce, set] of m.shares)
        if (set.size > 1) throw new Error(`nonce reuse: ${nonce} answered ${set.size} share sets`);
      if (m.maxSize > 3 * base.baseSize)
        throw new Error(`state grew to ${m.maxSize} bytes (base ${base.baseSize})`);
      const r = honestRoundAfter(base, m);
      if (r?.kind !== 'signature')
        throw new Error(`honest round after the fuzz: ${r?.kind ?? 'no outcome'}`);
      for (const [nonce, set] of m.shares)
        if (set.size > 1) throw new Error(`nonce reuse: ${nonce} answered ${set.size} share sets`);
      stats.runs++;
      stats.events += events.length;
      stats.steps += m.steps;
      stats.maxStateBytes = Math.max(stats.maxStateBytes, m.maxSize);
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
  return { ...stats, ms: Math.round(performance.now() - t0) };
}

import { utf8ToBytes } from '@noble/hashes/utils.js';
import { open } from '@peg/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Outgoing, OutgoingOf, WireEnvelope } from '../src/envelopes.ts';
import type { Effect } from '../src/machine.ts';
import type { SignerReport } from '../src/signer/reports.ts';
import type { SignerState } from '../src/signer/state.ts';
import { signerStep } from '../src/signer/step.ts';
import { aggregatePackage, type PublicKeyPackage } from '../src/signing-crypto.ts';
import { seededBytes } from '../src/sim/random.ts';
import type { Simulation } from '../src/sim/simulation.ts';
import { TOY_BLOCKLISTED, toyPolicy, toySighashes } from '../src/sim/toy-policy.ts';
import { dkgOk, withSim } from './helpers/sim.ts';

// Pure `step` tests of the signer against a malicious coordinator, on keys from a real DKG. Every
// request is sealed by the (simulated) coordinator's key and opened as a shell would.
let sim: Simulation;
let states: Map<number, SignerState>;
let coordinator: number;
let dkgId: number;
let keys: Map<number, Uint8Array>;
const env = (label: string) => ({ now: 1_000_000, rng: seededBytes(7, label) });

beforeAll(() => {
  sim = withSim({ seed: 2024, weights: [1, 1, 1, 1, 1], threshold: 3 }, (s) => s);
  dkgId = dkgOk(sim).dkgId;
  coordinator = sim.coordinator;
  states = new Map();
  keys = new Map(sim.federation.parties.map((p) => [p.id, Buffer.from(p.publicKey, 'hex')]));
  for (let id = 1; id <= 5; id++) {
    const node = sim.nodes.get(`s:${id}`)!;
    states.set(id, JSON.parse(JSON.stringify(node.state)) as SignerState);
  }
}, 300_000);

/** A transaction whose first byte is its input count (the simulation's sighash rule). */
const tx = (n: number, tag: number) => `0${n}${tag.toString(16).padStart(62, '0')}`.slice(0, 64);

type NR = OutgoingOf<'nonce-request'>;
type NResp = OutgoingOf<'nonce-response'>;
function nonceRequest(signId: number, iteration: number, t: string, ids = [1]): NR {
  return {
    kind: 'nonce-request',
    dkgId,
    signId,
    iteration,
    payload: {
      messages: toySighashes(t),
      rebuild: { withdrawalRequestIds: ids, unsignedTransaction: t },
      tweak: { type: 'taproot', merkleRoot: null },
    },
  };
}

/** Seals as `from` and opens like the shell: null when the wire refuses the envelope. */
function wire(from: number, m: Outgoing): WireEnvelope | null {
  const r = open(utf8ToBytes(sim.seal(from, m)), keys);
  return r.ok ? r.json : null;
}

type Out = { state: SignerState; effects: Effect<SignerReport>[] };
/** One delivery; a `check-policy` effect is answered by the simulation's policy at once. */
function deliver(s: SignerState, from: number, m: Outgoing, label = 'x'): Out {
  const e = wire(from, m);
  if (e === null) throw new Error(`the wire refused ${m.kind}`);
  return answerPolicy(signerStep(s, { type: 'message', envelope: e }, env(label)), label);
}
function answerPolicy(o: Out, label: string): Out {
  const ask = o.effects.find((x) => x.type === 'check-policy');
  if (ask === undefined || ask.type !== 'check-policy') return o;
  const { signId, iteration } = ask.request;
  const next = signerStep(
    o.state,
    { type: 'policy', signId, iteration, decision: toyPolicy(ask.request) },
    env(`${label}/policy`),
  );
  return { state: next.state, effects: [...o.effects, ...next.effects] };
}
const sent = (o: Out) =>
  o.effects.filter((e) => e.type === 'send').map((e) => (e as { message: Outgoing }).message);
const reports = (o: Out) =>
  o.effects.filter((e) => e.type === 'report').map((e) => (e as { report: SignerReport }).report);
const refusal = (o: Out) =>
  reports(o).find((r) => r.kind === 'refused') as { reason: string; detail?: string } | undefined;

/** Commits signers 1..5 to (signId, 1) for `t`; returns their states and responses. */
function commitAll(signId: number, t: string, ids = [1]) {
  const st = new Map<number, SignerState>();
  const resp = new Map<number, NResp>();
  for (const [id, s] of states) {
    const o = deliver(s, coordinator, nonceRequest(signId, 1, t, ids), `n${id}/${signId}`);
    st.set(id, o.state);
    resp.set(id, sent(o)[0] as NResp);
  }
  return { st, resp };
}

type Commitment = OutgoingOf<'signature-share-request'>['payload']['commitments'][number];
const entry = (id: number, r: NResp): Commitment => ({
  partyId: id,
  keyIds: [id],
  nonces: r.payload.nonces,
});

function shareRequest(req: NR, commitments: Commitment[]): OutgoingOf<'signature-share-request'> {
  return {
    kind: 'signature-share-request',
    dkgId: req.dkgId,
    signId: req.signId,
    iteration: req.iteration,
    payload: { ...req.payload, commitments },
  };
}
const entries = (resp: Map<number, NResp>, ids: number[]) => ids.map((i) => entry(i, resp.get(i)!));

describe('signer refuses a malicious coordinator', () => {
  it('persists the nonce before the commitment leaves, and the share before it leaves', () => {
    const t = tx(2, 1);
    const { st, resp } = commitAll(10, t);
    const o = deliver(st.get(1)!, coordinator, nonceRequest(10, 1, t));
    expect(sent(o)).toEqual([resp.get(1)]); // same request again: the same commitment
    const req = shareRequest(nonceRequest(10, 1, t), entries(resp, [1, 2, 3]));
    const a = deliver(st.get(1)!, coordinator, req);
    const kinds = a.effects.map((e) => e.type);
    expect(kinds.indexOf('persist')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('persist')).toBeLessThan(kinds.indexOf('send'));
    expect(a.state.signing!.nonces).toBeNull(); // erased in the persisted state
    // The same request again: the same answer. A different list: refused.
    expect(sent(deliver(a.state, coordinator, req))).toEqual(sent(a));
    const b = deliver(
      a.state,
      coordinator,
      shareRequest(nonceRequest(10, 1, t), entries(resp, [1, 2, 4])),
    );
    expect(sent(b)).toEqual([]);
    expect(refusal(b)?.reason).toBe('nonce-already-used');
  });

  const attacks: [string, (r: Map<number, NResp>) => Commitment[], string][] = [
    [
      'own commitment altered',
      (r) => {
        const own = entry(1, r.get(1)!);
        const other = r.get(2)!.payload.nonces[0]!;
        return [{ ...own, nonces: [other] }, entry(2, r.get(2)!), entry(3, r.get(3)!)];
      },
      'own-commitment-altered',
    ],
    ['own commitment missing', (r) => entries(r, [2, 3, 4]), 'not-in-signing-set'],
    [
      'own commitment duplicated under another party',
      (r) => [
        entry(1, r.get(1)!),
        { ...entry(2, r.get(2)!), nonces: r.get(1)!.payload.nonces },
        entry(3, r.get(3)!),
      ],
      'own-commitment-duplicated',
    ],
    [
      'a party with key ids it does not hold',
      (r) => [entry(1, r.get(1)!), { ...entry(2, r.get(2)!), keyIds: [4] }, entry(3, r.get(3)!)],
      'bad-key-ids',
    ],
    ['below threshold', (r) => entries(r, [1, 2]), 'below-threshold'],
  ];
  for (const [name, build, reason] of attacks) {
    it(`${name}: refused, nonce burnt`, () => {
      const t = tx(1, 2);
      const { st, resp } = commitAll(20, t);
      const o = deliver(st.get(1)!, coordinator, shareRequest(nonceRequest(20, 1, t), build(resp)));
      expect(sent(o)).toEqual([]);
      expect(refusal(o)?.reason).toBe(reason);
      expect(o.state.signing!.nonces).toBeNull();
      // A "fixed" retry with the same nonce gets nothing either.
      const fixed = shareRequest(nonceRequest(20, 1, t), entries(resp, [1, 2, 3]));
      expect(sent(deliver(o.state, coordinator, fixed))).toEqual([]);
    });
  }

  it('the same party listed twice never reaches the signer: the wire refuses it, the machine too', () => {
    const t = tx(1, 12);
    const { st, resp } = commitAll(21, t);
    const req = shareRequest(nonceRequest(21, 1, t), entries(resp, [1, 2, 2]));
    expect(() => wire(coordinator, req)).toThrow(/strictly ascending/); // seal and open refuse
    // And a hand-built envelope that skipped `open` is refused by the machine itself.
    const forged = {
      ...wire(coordinator, shareRequest(nonceRequest(21, 1, t), entries(resp, [1, 2, 3])))!,
    };
    (forged.payload as { commitments: Commitment[] }).commitments = entries(resp, [1, 2, 2]);
    const o = signerStep(st.get(1)!, { type: 'message', envelope: forged }, env('dup'));
    expect(sent(o)).toEqual([]);
    expect(refusal(o)?.reason).toBe('unsorted-signers');
  });

  it('a point that is not on the curve (an envelope that skipped `open`): no share, nonce burnt', () => {
    const t = tx(1, 15);
    const { st, resp } = commitAll(23, t);
    const e = wire(coordinator, shareRequest(nonceRequest(23, 1, t), entries(resp, [1, 2, 3])))!;
    const bad = JSON.parse(JSON.stringify(e)) as typeof e;
    // x = 5 is not the x-coordinate of any point of secp256k1 (5^3 + 7 = 132 is a non-residue).
    (bad.payload as { commitments: Commitment[] }).commitments[1]!.nonces[0]!.hiding =
      `02${'00'.repeat(31)}05`;
    const o = answerPolicy(
      signerStep(st.get(1)!, { type: 'message', envelope: bad }, env('np')),
      'np',
    );
    expect(sent(o)).toEqual([]);
    expect(refusal(o)?.reason).toBe('rejected-package');
    expect(o.state.signing!.nonces).toBeNull();
  });

  it('different messages to different signers: the one that committed for others refuses', () => {
    const ta = tx(1, 3);
    const tb = tx(1, 4);
    const resp = new Map<number, NResp>();
    const st = new Map<number, SignerState>();
    for (const [id, s] of states) {
      const o = deliver(s, coordinator, nonceRequest(30, 1, id <= 2 ? ta : tb), `split${id}`);
      st.set(id, o.state);
      resp.set(id, sent(o)[0] as NResp);
    }
    // Signer 1 committed for A and is asked to sign B with a set that saw B.
    const o = deliver(
      st.get(1)!,
      coordinator,
      shareRequest(nonceRequest(30, 1, tb), entries(resp, [1, 3, 4])),
    );
    expect(sent(o)).toEqual([]);
    expect(refusal(o)?.reason).toBe('body-changed');
  });

  it('messages changed between nonce and share request: refused', () => {
    const t = tx(1, 5);
    const { st, resp } = commitAll(40, t);
    const req = shareRequest(nonceRequest(40, 1, t), entries(resp, [1, 2, 3]));
    const changed = { ...req, payload: { ...req.payload, messages: toySighashes(tx(1, 6)) } };
    const o = deliver(st.get(1)!, coordinator, changed);
    expect(refusal(o)?.reason).toBe('body-changed');
    expect(sent(o)).toEqual([]);
  });

  it('policy refuses: no share, nonce burnt', () => {
    const t = tx(1, 7);
    const { st, resp } = commitAll(50, t, [TOY_BLOCKLISTED]);
    const o = deliver(
      st.get(1)!,
      coordinator,
      shareRequest(nonceRequest(50, 1, t, [TOY_BLOCKLISTED]), entries(resp, [1, 2, 3])),
    );
    expect(refusal(o)?.reason).toBe('policy-refused');
    expect(refusal(o)?.detail).toBe('blocklisted');
    expect(o.state.signing!.nonces).toBeNull();
  });

  it('messages the policy does not rebuild from the transaction: refused', () => {
    const t = tx(1, 13);
    const lie = {
      ...nonceRequest(55, 1, t),
      payload: { ...nonceRequest(55, 1, t).payload, messages: toySighashes(tx(1, 14)) },
    };
    const s1 = deliver(states.get(1)!, coordinator, lie, 'l1');
    const s2 = deliver(states.get(2)!, coordinator, lie, 'l2');
    const s3 = deliver(states.get(3)!, coordinator, lie, 'l3');
    const commitments = [s1, s2, s3].map((o, i) => entry(i + 1, sent(o)[0] as NResp));
    const o = deliver(s1.state, coordinator, shareRequest(lie, commitments));
    expect(refusal(o)?.reason).toBe('policy-messages-differ');
  });

  it('a request from a coordinator that is not active: refused, state unchanged', () => {
    const s = states.get(1)!;
    const other = sim.federation.parties.map((x) => x.id).find((id) => id !== coordinator)!;
    const o = deliver(s, other, nonceRequest(60, 1, tx(1, 8)));
    expect(o.state).toBe(s);
    expect(sent(o)).toEqual([]);
    expect(refusal(o)?.reason).toBe('not-active-coordinator');
  });

  it('an old or replayed nonce request gets no fresh nonce and no blame', () => {
    const t = tx(1, 9);
    const { st } = commitAll(70, t);
    const s = st.get(1)!;
    for (const [signId, iteration] of [
      [70, 1],
      [69, 5],
      [10, 1],
    ] as const) {
      const req = nonceRequest(signId, iteration, signId === 70 ? tx(1, 99) : t);
      const o = deliver(s, coordinator, req);
      expect(sent(o)).toEqual([]);
      expect(o.state.signing).toBe(s.signing);
      expect(o.state.lastSign).toEqual(s.lastSign);
      expect(reports(o)).toEqual([{ kind: 'ignored', reason: 'old-id', what: 'nonce-request' }]);
    }
  });

  it('a signer that missed the key announcement adopts the key it helped verify, only that', () => {
    const s = states.get(1)!;
    const pending = { ...s.current!, status: 'unverified' as const };
    const missed: SignerState = { ...s, current: null, pending };
    const ok = deliver(missed, coordinator, nonceRequest(90, 1, tx(1, 11)));
    expect(sent(ok)).toHaveLength(1);
    expect(ok.state.current?.status).toBe('verified');
    const unverified: SignerState = {
      ...missed,
      pending: { ...pending, verificationSigned: false },
    };
    const no = deliver(unverified, coordinator, nonceRequest(90, 1, tx(1, 11)));
    expect(sent(no)).toEqual([]);
    expect(refusal(no)?.reason).toBe('unknown-key');
  });

  it('state is plain JSON: a signer restored from JSON answers exactly as the original', () => {
    const t = tx(1, 10);
    const { st, resp } = commitAll(80, t);
    const s = st.get(2)!;
    const restored = JSON.parse(JSON.stringify(s)) as SignerState;
    expect(restored).toEqual(s);
    const req = shareRequest(nonceRequest(80, 1, t), entries(resp, [1, 2, 3]));
    expect(sent(deliver(restored, coordinator, req, 'r'))).toEqual(
      sent(deliver(s, coordinator, req, 'r')),
    );
  });
});

describe('the policy is asked before any share, and may take its time', () => {
  it('asks through a check-policy effect with the request ids and transaction; shares only after approval', () => {
    const t = tx(2, 20);
    const { st, resp } = commitAll(100, t, [3, 8]);
    const req = shareRequest(nonceRequest(100, 1, t, [3, 8]), entries(resp, [1, 2, 3]));
    const e = wire(coordinator, req)!;
    const asked = signerStep(st.get(1)!, { type: 'message', envelope: e }, env('p1'));
    expect(sent(asked)).toEqual([]);
    const ask = asked.effects.find((x) => x.type === 'check-policy');
    expect(ask).toEqual({
      type: 'check-policy',
      request: {
        dkgId,
        signId: 100,
        iteration: 1,
        withdrawalRequestIds: [3, 8],
        unsignedTransaction: t,
        tweak: { type: 'taproot', merkleRoot: null },
      },
    });
    // The same request again while waiting: asked again, nothing sent; another one: burnt.
    const again = signerStep(asked.state, { type: 'message', envelope: e }, env('p2'));
    expect(again.effects.map((x) => x.type)).toEqual(['check-policy']);
    const other = wire(
      coordinator,
      shareRequest(nonceRequest(100, 1, t, [3, 8]), entries(resp, [1, 2, 4])),
    )!;
    const burnt = signerStep(asked.state, { type: 'message', envelope: other }, env('p3'));
    expect(refusal(burnt)?.reason).toBe('nonce-already-used');
    expect(burnt.state.signing!.nonces).toBeNull();
    // A decision for another round is ignored; the right one produces the share.
    const stale = signerStep(
      asked.state,
      {
        type: 'policy',
        signId: 99,
        iteration: 1,
        decision: { approve: true, messages: toySighashes(t) },
      },
      env('p4'),
    );
    expect(stale.state).toBe(asked.state);
    const ok = signerStep(
      asked.state,
      {
        type: 'policy',
        signId: 100,
        iteration: 1,
        decision: { approve: true, messages: toySighashes(t) },
      },
      env('p5'),
    );
    expect(sent(ok).map((m) => m.kind)).toEqual(['signature-share-response']);
    const kinds = ok.effects.map((x) => x.type);
    expect(kinds.indexOf('persist')).toBeLessThan(kinds.indexOf('send'));
    // A late second decision changes nothing.
    const late = signerStep(
      ok.state,
      {
        type: 'policy',
        signId: 100,
        iteration: 1,
        decision: { approve: true, messages: toySighashes(t) },
      },
      env('p6'),
    );
    expect(sent(late)).toEqual([]);
  });

  it('different commitment lists to different signers: each signs only the list it saw, once, and the shares do not combine', () => {
    const t = tx(1, 21);
    const { st, resp } = commitAll(110, t);
    const listA = shareRequest(nonceRequest(110, 1, t), entries(resp, [1, 2, 3]));
    const listB = shareRequest(nonceRequest(110, 1, t), entries(resp, [1, 2, 4]));
    const a1 = deliver(st.get(1)!, coordinator, listA, 'a1');
    const b2 = deliver(st.get(2)!, coordinator, listB, 'b2');
    expect(sent(a1)).toHaveLength(1);
    expect(sent(b2)).toHaveLength(1);
    // Signer 1 shown list B afterwards: refused, its nonce is spent on list A only.
    const a1b = deliver(a1.state, coordinator, listB, 'a1b');
    expect(sent(a1b)).toEqual([]);
    expect(refusal(a1b)?.reason).toBe('nonce-already-used');
    // Shares computed over different lists do not aggregate (the binding factors differ).
    const share3 = sent(
      deliver(st.get(3)!, coordinator, listA, 'a3'),
    )[0] as OutgoingOf<'signature-share-response'>;
    const coord = sim.nodes.get(`c:${coordinator}`)!.state as { key: { pub: PublicKeyPackage } };
    const pkg = {
      messages: listA.payload.messages,
      commitments: listA.payload.commitments.map((c) => ({ partyId: c.partyId, pairs: c.nonces })),
    };
    const shares = (x: Out) =>
      (sent(x)[0] as OutgoingOf<'signature-share-response'>).payload.shares;
    const tweak = { type: 'taproot' as const, merkleRoot: null };
    const mixed = aggregatePackage(
      coord.key.pub,
      pkg,
      [
        { partyId: 1, shares: shares(a1) },
        { partyId: 2, shares: shares(b2) },
        { partyId: 3, shares: share3.payload.shares },
      ],
      tweak,
      seededBytes(1, 'agg'),
    );
    expect(mixed.ok).toBe(false);
    if (!mixed.ok) expect(mixed.culprits).toEqual([2]);
  });
});

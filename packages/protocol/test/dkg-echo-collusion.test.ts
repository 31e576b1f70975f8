import { secp256k1 } from '@noble/curves/secp256k1.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { open } from '@peg/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import { taprootAddress } from '../src/address.ts';
import { type PublicShares, round1, round2, subLayout } from '../src/dkg-crypto.ts';
import { dkgVerification } from '../src/dkg-verification.ts';
import {
  contentDigest,
  type Outgoing,
  type OutgoingOf,
  type WireEnvelope,
} from '../src/envelopes.ts';
import { dkgSession, layoutSpec } from '../src/federation.ts';
import type { Effect } from '../src/machine.ts';
import { outputKey } from '../src/output-key.ts';
import type { SignerReport } from '../src/signer/reports.ts';
import type { SignerState } from '../src/signer/state.ts';
import { signerStep } from '../src/signer/step.ts';
import { seededBytes } from '../src/sim/random.ts';
import { Simulation } from '../src/sim/simulation.ts';
import { toyPolicy } from '../src/sim/toy-policy.ts';

// A colluding coordinator that is itself an equivocating dealer, against real signer machines
// (4 parties, threshold 3, every key id in the new key). The coordinator deals two round-1
// versions A and B with consistent private shares for each, and echoes to every honest signer
// the version it saw: two honest signers end round 2 on transcript A, the third on B, so they hold
// different group keys, and no echo check can tell. Then it runs a verification round tailored to
// each signer's own view and publishes each one's own key. The honest signers must not adopt.
// Every message is sealed by its sender's identity key and opened as a shell would.

let sim: Simulation;
let c: number; // the coordinator, and the equivocating dealer
let honest: number[];
let keys: Map<number, Uint8Array>;
let dkgId: number;
let all: number[];
/** After round 2: each honest signer's state, and its signed `dkg-end`. */
let after: Map<number, SignerState>;
let ends: Map<number, WireEnvelope>;
/** The dealer's signed results tailored to each honest signer's view. */
let dealerEnds: Map<number, WireEnvelope>;

const env = (label: string) => ({ now: 1_000_000, rng: seededBytes(31, label) });
function wire(from: number, m: Outgoing): WireEnvelope {
  const r = open(utf8ToBytes(sim.seal(from, m)), keys);
  if (!r.ok) throw new Error(`the wire refused ${m.kind}`);
  return r.json;
}
type Out = { state: SignerState; effects: Effect<SignerReport>[] };
const step = (s: SignerState, e: WireEnvelope, label: string): Out =>
  signerStep(s, { type: 'message', envelope: e }, env(label));
const sent = (o: Out) =>
  o.effects.flatMap((e) => (e.type === 'send' ? [e.message as Outgoing] : []));
const refusals = (o: Out) =>
  o.effects.flatMap((e) =>
    e.type === 'report' && e.report.kind === 'refused'
      ? [{ reason: e.report.reason, from: e.report.from }]
      : [],
  );

beforeAll(() => {
  sim = new Simulation({ seed: 5150, weights: [1, 1, 1, 1], threshold: 3 });
  sim.run(() => false, 1); // the chain tip reaches every node: the coordinator is active
  c = sim.coordinator;
  const fed = sim.federation;
  all = fed.parties.map((p) => p.id);
  honest = all.filter((id) => id !== c);
  keys = new Map(fed.parties.map((p) => [p.id, Buffer.from(p.publicKey, 'hex')]));
  const st = new Map(
    honest.map((id) => [id, structuredClone(sim.nodes.get(`s:${id}`)!.state as SignerState)]),
  );
  dkgId = st.get(honest[0]!)!.maxDkgId + 1;
  const session = dkgSession(fed, dkgId);
  const begin = wire(c, {
    kind: 'dkg-begin',
    dkgId,
    payload: {
      threshold: fed.threshold,
      parties: fed.parties.map((p) => ({ partyId: p.id, keyIds: [...p.keyIds] })),
    },
  });
  const publics = new Map<number, WireEnvelope>();
  for (const id of honest) {
    const o = step(st.get(id)!, begin, `begin${id}`);
    st.set(id, o.state);
    publics.set(id, wire(id, sent(o)[0]!));
  }
  // Two round-1 versions of the dealer: the last honest signer sees B, the others A.
  const versions = {
    A: round1(layoutSpec(fed), session, c, seededBytes(1, 'A')),
    B: round1(layoutSpec(fed), session, c, seededBytes(1, 'B')),
  };
  const viewOf = (id: number) => (id === honest[2] ? versions.B : versions.A);
  const dealerPublic = (id: number) =>
    wire(c, { kind: 'dkg-public-shares', dkgId, payload: viewOf(id).payload });
  const deliverAll = (id: number, book: Map<number, WireEnvelope>, dealer: WireEnvelope) => {
    for (const e of [...[...book].filter(([k]) => k !== id).map(([, v]) => v), dealer]) {
      const o = step(st.get(id)!, e, `${e.kind}${id}`);
      st.set(id, o.state);
    }
  };
  const privates = new Map<number, WireEnvelope>();
  for (const id of honest) deliverAll(id, publics, dealerPublic(id));
  // The echo each honest signer gets is of exactly what it holds: the check passes.
  for (const id of honest) {
    const held = (p: number) =>
      p === c ? dealerPublic(id) : p === id ? publics.get(id)! : publics.get(p)!;
    const o = step(
      st.get(id)!,
      wire(c, {
        kind: 'dkg-private-begin',
        dkgId,
        payload: { partyIds: all, echo: all.map((p) => contentDigest(held(p))) },
      }),
      `pb${id}`,
    );
    st.set(id, o.state);
    const out = sent(o);
    expect(out.map((m) => m.kind)).toEqual(['dkg-private-shares']);
    privates.set(id, wire(id, out[0]!));
  }
  // The dealer deals from each version, so each view's shares check against its commitments.
  const layout = subLayout(fed.parties, all, fed.threshold);
  const dealerPrivate = (id: number) => {
    const v = viewOf(id);
    const pubs = new Map<number, PublicShares>();
    for (const p of all)
      pubs.set(p, p === c ? v.payload : (publics.get(p)!.payload as PublicShares));
    const r = round2(layout, session, c, v.secret, pubs, seededBytes(2, `r2-${id}`));
    if (!r.ok) throw new Error('dealer round 2 failed');
    return wire(c, { kind: 'dkg-private-shares', dkgId, payload: r.payload });
  };
  ends = new Map();
  for (const id of honest) {
    deliverAll(id, privates, dealerPrivate(id));
    const held = (p: number) =>
      p === c ? dealerPrivate(id) : p === id ? privates.get(id)! : privates.get(p)!;
    const o = step(
      st.get(id)!,
      wire(c, {
        kind: 'dkg-end-begin',
        dkgId,
        payload: { partyIds: all, echo: all.map((p) => contentDigest(held(p))) },
      }),
      `eb${id}`,
    );
    st.set(id, o.state);
    const end = sent(o).find((m) => m.kind === 'dkg-end')!;
    ends.set(id, wire(id, end));
  }
  after = st;
  // The dealer's own signed results, one per view (it knows both).
  dealerEnds = new Map(
    honest.map((id) => {
      const r = (ends.get(id)!.payload as OutgoingOf<'dkg-end'>['payload']).status;
      return [id, wire(c, { kind: 'dkg-end', dkgId, payload: { status: r } })];
    }),
  );
}, 300_000);

/**
 * The colluding coordinator's verification round for one signer, over that signer's own key and
 * message, with the dealer's made-up nonce commitment; then it publishes that signer's key.
 * Returns the final state and every refusal seen.
 */
function verifyAndPublish(s0: SignerState, id: number, forwarded: WireEnvelope[]) {
  let s = s0;
  const seen: { reason: string; from?: number }[] = [];
  const run = (e: WireEnvelope, label: string) => {
    const o = step(s, e, label);
    s = o.state;
    seen.push(...refusals(o));
    return o;
  };
  for (const [i, e] of forwarded.entries()) run(e, `fwd${id}-${i}`);
  const groupKey = s0.pending!.pub.groupKey;
  const v = dkgVerification(dkgId, groupKey);
  const payload = {
    messages: [v.message],
    rebuild: { withdrawalRequestIds: [], unsignedTransaction: v.preimage },
    tweak: { type: 'none' as const },
  };
  const ids = { dkgId, signId: 1, iteration: 1 };
  const n = sent(run(wire(c, { kind: 'nonce-request', ...ids, payload }), `n${id}`));
  const response = n.find((m) => m.kind === 'nonce-response') as
    | OutgoingOf<'nonce-response'>
    | undefined;
  if (response !== undefined) {
    const fake = (k: bigint) => secp256k1.Point.BASE.multiply(k).toHex(true);
    const commitments = all.map((p) => ({
      partyId: p,
      keyIds: [all.indexOf(p) + 1],
      nonces:
        p === id
          ? response.payload.nonces
          : [{ hiding: fake(BigInt(p) * 7n + 1n), binding: fake(BigInt(p) * 7n + 2n) }],
    }));
    let o = run(
      wire(c, { kind: 'signature-share-request', ...ids, payload: { ...payload, commitments } }),
      `s${id}`,
    );
    const ask = o.effects.find((x) => x.type === 'check-policy');
    if (ask?.type === 'check-policy') {
      o = signerStep(
        s,
        { type: 'policy', ...ids, decision: toyPolicy(ask.request) },
        env(`p${id}`),
      );
      s = o.state;
      seen.push(...refusals(o));
    }
  }
  const key = outputKey(groupKey, { type: 'taproot', merkleRoot: null });
  run(
    wire(c, {
      kind: 'public-address-available',
      dkgId,
      payload: {
        aggregateKey: groupKey,
        outputKey: key,
        address: taprootAddress(key, sim.federation.network),
      },
    }),
    `pa${id}`,
  );
  return { state: s, seen, committed: response !== undefined };
}

describe('echo without trusting the coordinator: colluding coordinator + equivocating dealer', () => {
  it('the attack works up to the verification round: honest signers hold different keys', () => {
    const [a1, a2, b] = honest.map((id) => after.get(id)!.pending!);
    expect(a1!.pub.groupKey).toBe(a2!.pub.groupKey);
    expect(b!.pub.groupKey).not.toBe(a1!.pub.groupKey);
  });

  it('with no results forwarded, no honest signer gives a verification nonce or adopts', () => {
    for (const id of honest) {
      const r = verifyAndPublish(after.get(id)!, id, []);
      expect(r.state.current?.pub.groupKey ?? null).toBeNull(); // not adopted
      expect(r.committed).toBe(false);
      expect(r.seen.map((x) => x.reason)).toContain('transcript-unconfirmed');
      expect(r.state.current).toBeNull();
    }
  });

  it('with every result forwarded, every honest signer reports the mismatch and adopts nothing', () => {
    for (const id of honest) {
      const forwarded = [
        dealerEnds.get(id)!,
        ...honest.filter((p) => p !== id).map((p) => ends.get(p)!),
      ];
      const r = verifyAndPublish(after.get(id)!, id, forwarded);
      expect(r.committed).toBe(false);
      const mismatch = r.seen.filter((x) => x.reason === 'transcript-mismatch');
      // Named: an honest holder whose signed transcript differs (the dealer's tailored one agrees).
      expect(mismatch.length).toBeGreaterThan(0);
      for (const x of mismatch) expect(honest).toContain(x.from);
      expect(r.state.current).toBeNull();
      expect(r.state.pending).toBeNull();
    }
  });

  it("a holder's first signed result counts: a second, different one does not take the key back", () => {
    const [a] = honest;
    let s = step(after.get(a!)!, dealerEnds.get(a!)!, 'first').state;
    expect(s.pending!.transcript!.confirmedBy).toEqual([c]);
    const o = step(s, dealerEnds.get(honest[2]!)!, 'second'); // the dealer's B-view result
    s = o.state;
    expect(refusals(o)).toEqual([]);
    expect(s.pending!.transcript!.confirmedBy).toEqual([c]);
  });

  it('withholding the conflicting results does not help: the same-view holders still refuse', () => {
    for (const id of honest) {
      const mine = after.get(id)!.pending!.pub.groupKey;
      const sameView = honest.filter(
        (p) => p !== id && after.get(p)!.pending!.pub.groupKey === mine,
      );
      const forwarded = [dealerEnds.get(id)!, ...sameView.map((p) => ends.get(p)!)];
      const r = verifyAndPublish(after.get(id)!, id, forwarded);
      expect(r.committed).toBe(false);
      expect(r.state.current).toBeNull();
    }
  });
});

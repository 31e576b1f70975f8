import { bytesToHex } from '@noble/hashes/utils.js';
import { open, sealJson, type UnsignedEnvelopeJson } from '@peg/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentDigest, type Outgoing, type OutgoingOf } from '../src/envelopes.ts';
import type { Effect } from '../src/machine.ts';
import type { SignerReport } from '../src/signer/reports.ts';
import type { SignerState } from '../src/signer/state.ts';
import { signerStep } from '../src/signer/step.ts';
import { seededBytes } from '../src/sim/random.ts';
import { Simulation } from '../src/sim/simulation.ts';
import { toySighashes } from '../src/sim/toy-policy.ts';

// Pure `step` tests of a signer against a coordinator that sends what an honest one never would.
// 3-of-5, one key id each, `dkgThreshold` = threshold (so only the redundancy rule stops a key
// held by exactly three key ids). Every message is sealed and opened as the shells do.
let sim: Simulation;
let coordinator: number;
let dkgId: number;
let keys: Map<number, Uint8Array>;
let afterDkg: SignerState;
let midDkg: SignerState;
const env = (label: string) => ({ now: 1_000_000, rng: seededBytes(11, label) });

beforeAll(() => {
  sim = new Simulation({ seed: 4711, weights: [1, 1, 1, 1, 1], threshold: 3, dkgThreshold: 3 });
  coordinator = sim.coordinator;
  keys = new Map(sim.federation.parties.map((p) => [p.id, Buffer.from(p.publicKey, 'hex')]));
  // Signer 1 in round 1 of a DKG, holding every peer's public shares.
  sim.command({ kind: 'dkg' });
  const s1 = () => sim.nodes.get('s:1')!.state as SignerState;
  sim.run(() => {
    const d = s1().dkg;
    return d !== null && Object.keys(d.publics).length === 4 && d.ownPrivate === null;
  }, 60_000);
  const mid = structuredClone(s1());
  midDkg = { ...mid, dkg: { ...mid.dkg!, privateBegin: null } };
  const d = sim.dkg();
  if (d.kind !== 'dkg-complete') throw new Error('DKG failed');
  dkgId = d.dkgId;
  afterDkg = structuredClone(s1());
}, 300_000);

type Tip = { height: number; hash: string };
/** Seals `m` as `from` for chain tip `tip` and opens it like a shell. */
function wire(from: number, m: Outgoing, tip: Tip = { height: sim.tipHeight, hash: sim.tip }) {
  const unsigned = {
    ...m,
    sender: { partyId: from, publicKey: bytesToHex(keys.get(from)!) },
    chainTip: tip,
  } as unknown as UnsignedEnvelopeJson;
  const bytes = sealJson(unsigned, sim.secrets.get(from)!, { auxRand: new Uint8Array(32) });
  const r = open(bytes, keys);
  if (!r.ok) throw new Error(`the wire refused ${m.kind}`);
  return r.json;
}
type Out = { state: SignerState; effects: Effect<SignerReport>[] };
const deliver = (s: SignerState, m: Outgoing, tip?: Tip, label = 'x'): Out =>
  signerStep(s, { type: 'message', envelope: wire(coordinator, m, tip) }, env(label));
const sends = (o: Out) => o.effects.filter((e) => e.type === 'send');
const refusedWith = (o: Out) =>
  o.effects.flatMap((e) =>
    e.type === 'report' && e.report.kind === 'refused' ? [e.report.reason] : [],
  );

const TX = `01${'cd'.repeat(31)}`;
const nonceRequest = (signId: number): OutgoingOf<'nonce-request'> => ({
  kind: 'nonce-request',
  dkgId,
  signId,
  iteration: 1,
  payload: {
    messages: toySighashes(TX),
    rebuild: { withdrawalRequestIds: [5], unsignedTransaction: TX },
    tweak: { type: 'taproot', merkleRoot: null },
  },
});

describe('dkg-private-begin: the new key layout', () => {
  const privateBegin = (partyIds: number[]): OutgoingOf<'dkg-private-begin'> => {
    const d = midDkg.dkg!;
    return {
      kind: 'dkg-private-begin',
      dkgId: d.dkgId,
      payload: {
        partyIds,
        echo: partyIds.map((id) =>
          id === 1 ? '00'.repeat(32) : contentDigest(d.publics[String(id)]!),
        ),
      },
    };
  };

  it('a list below the threshold is refused with a reason (it used to throw)', () => {
    const o = deliver(midDkg, privateBegin([1, 2]));
    expect(refusedWith(o)).toEqual(['dkg-below-threshold']);
    expect(sends(o)).toEqual([]);
    expect(o.state.dkg).toEqual(midDkg.dkg);
  });

  it('a key held by exactly threshold key ids when the federation has more is refused', () => {
    const o = deliver(midDkg, privateBegin([1, 2, 3]));
    expect(refusedWith(o)).toEqual(['dkg-no-redundancy']);
    expect(sends(o)).toEqual([]);
  });

  it('a list with a spare key id is accepted: private shares go out', () => {
    const o = deliver(midDkg, privateBegin([1, 2, 3, 4]));
    expect(refusedWith(o)).toEqual([]);
    expect(sends(o).map((e) => e.type === 'send' && e.message.kind)).toEqual([
      'dkg-private-shares',
    ]);
  });
});

describe('chain-tip freshness of coordinator messages', () => {
  const h = () => sim.tipHeight;
  const cases: [string, () => Tip, string | null][] = [
    ['the same tip: answered', () => ({ height: h(), hash: sim.tip }), null],
    ['one block behind: answered', () => ({ height: h() - 1, hash: 'ee'.repeat(32) }), null],
    ['one block ahead: answered', () => ({ height: h() + 1, hash: 'ee'.repeat(32) }), null],
    ['two blocks behind: stale', () => ({ height: h() - 2, hash: 'ee'.repeat(32) }), 'stale-tip'],
    ['two blocks ahead: future', () => ({ height: h() + 2, hash: 'ee'.repeat(32) }), 'future-tip'],
    ['height 2^32-1: future', () => ({ height: 2 ** 32 - 1, hash: sim.tip }), 'future-tip'],
    [
      'our height, another block: other fork',
      () => ({ height: h(), hash: 'ee'.repeat(32) }),
      'other-fork',
    ],
  ];
  for (const [name, tip, reason] of cases)
    it(name, () => {
      const o = deliver(afterDkg, nonceRequest(7), tip());
      if (reason === null) {
        expect(refusedWith(o)).toEqual([]);
        expect(sends(o)).toHaveLength(1);
      } else {
        expect(refusedWith(o)).toEqual([reason]);
        expect(o.state).toEqual(afterDkg);
      }
    });

  it('a peer message keeps its own tip (forwarded copies are old): not checked', () => {
    const peer = 2;
    const d = midDkg.dkg!;
    const original = d.publics[String(peer)]!;
    if (original.kind !== 'dkg-public-shares') throw new Error('unexpected kind');
    const { [String(peer)]: _, ...rest } = d.publics;
    const lacking: SignerState = { ...midDkg, dkg: { ...d, publics: rest } };
    const old = wire(
      peer,
      { kind: 'dkg-public-shares', dkgId: d.dkgId, payload: original.payload },
      { height: 1, hash: 'ee'.repeat(32) },
    );
    const o = signerStep(lacking, { type: 'message', envelope: old }, env('peer'));
    expect(refusedWith(o)).toEqual([]);
    expect(o.state.dkg!.publics[String(peer)]).toEqual(old);
  });
});

describe('nonces are never rebuilt from a state that says they were used', () => {
  it('a state recording an answer but still holding nonces gives no second share', () => {
    // Signers 1..3 commit; signer 1 gets the share request and asks its policy.
    const committed = [1, 2, 3].map((id) => {
      const s = structuredClone(sim.nodes.get(`s:${id}`)!.state as SignerState);
      const o = deliver(s, nonceRequest(90), undefined, `n${id}`);
      return { id, o };
    });
    const req: OutgoingOf<'signature-share-request'> = {
      ...nonceRequest(90),
      kind: 'signature-share-request',
      payload: {
        ...nonceRequest(90).payload,
        commitments: committed.map(({ id, o }) => {
          const r = sends(o)[0]!;
          if (r.type !== 'send' || r.message.kind !== 'nonce-response') throw new Error('no nonce');
          return { partyId: id, keyIds: [id], nonces: r.message.payload.nonces };
        }),
      },
    };
    const asked = deliver(committed[0]!.o.state, req);
    expect(asked.effects.some((e) => e.type === 'check-policy')).toBe(true);
    const sg = asked.state.signing!;
    // A stale or hand-edited state: it records an answer, yet the nonces are still there.
    const stale: SignerState = {
      ...asked.state,
      signing: {
        ...sg,
        answered: {
          requestDigest: 'ff'.repeat(32),
          response: { ...sg.response, kind: 'signature-share-response', payload: { shares: [] } },
        },
      },
    };
    const o = signerStep(
      stale,
      {
        type: 'policy',
        signId: 90,
        iteration: 1,
        decision: {
          approve: true,
          messages: toySighashes(TX),
          tweak: { type: 'taproot', merkleRoot: null },
        },
      },
      env('policy'),
    );
    expect(sends(o)).toEqual([]);
    expect(refusedWith(o)).toEqual(['nonce-already-used']);
    expect(o.state.signing!.nonces).toBeNull();
  });
});

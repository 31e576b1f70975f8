import { beforeAll, describe, expect, it } from 'vitest';
import type {
  NonceRequest,
  NonceResponse,
  ProtocolMessage,
  SignatureShareRequest,
} from '../src/messages.ts';
import type { SignerReport } from '../src/signer/reports.ts';
import type { SignerState } from '../src/signer/state.ts';
import { signerStep } from '../src/signer/step.ts';
import { seededBytes } from '../src/sim/random.ts';
import { type Simulation, sighashesOf, simPolicy } from '../src/sim/simulation.ts';
import type { Effect } from '../src/types.ts';
import { dkgOk, withSim } from './helpers/sim.ts';

// Pure `step` tests of the signer against a malicious coordinator, on keys from a real DKG.
let sim: Simulation;
let states: Map<number, SignerState>;
let coordinator: number;
let dkgId: number;
const env = (label: string) => ({
  now: 1_000_000,
  rng: seededBytes(7, label),
  policy: simPolicy,
});

beforeAll(() => {
  sim = withSim({ seed: 2024, weights: [1, 1, 1, 1, 1], threshold: 3 }, (s) => s);
  dkgId = dkgOk(sim).dkgId;
  coordinator = sim.coordinator;
  states = new Map();
  for (let id = 1; id <= 5; id++) {
    const node = sim.nodes.get(`s:${id}`)!;
    states.set(id, JSON.parse(JSON.stringify(node.state)) as SignerState);
  }
}, 300_000);

const payload = (n: number, tag: number) =>
  `0${n}${tag.toString(16).padStart(62, '0')}`.slice(0, 64);

function nonceRequest(signId: number, iterId: number, p: string, ids = ['w1']): NonceRequest {
  return {
    type: 'nonce-request',
    dkgId,
    signId,
    iterId,
    keyVerification: '',
    merkleRoot: '',
    purpose: 'sign',
    requestIds: ids,
    payload: p,
    messages: sighashesOf(p),
  };
}

type Out = { state: SignerState; effects: Effect<SignerReport>[] };
function deliver(s: SignerState, from: number, message: ProtocolMessage, label = 'x'): Out {
  return signerStep(s, { type: 'message', from, message }, env(label));
}
const sent = (o: Out) =>
  o.effects
    .filter((e) => e.type === 'send')
    .map((e) => (e as { message: ProtocolMessage }).message);
const reports = (o: Out) =>
  o.effects.filter((e) => e.type === 'report').map((e) => (e as { report: SignerReport }).report);
const refusal = (o: Out) =>
  reports(o).find((r) => r.kind === 'refused') as { reason: string } | undefined;

/** Commits signers 1..5 to (signId, 1) for `p`; returns their states and responses. */
function commitAll(signId: number, p: string) {
  const st = new Map<number, SignerState>();
  const resp = new Map<number, NonceResponse>();
  for (const [id, s] of states) {
    const o = deliver(s, coordinator, nonceRequest(signId, 1, p), `n${id}/${signId}`);
    st.set(id, o.state);
    resp.set(id, sent(o)[0] as NonceResponse);
  }
  return { st, resp };
}

function shareRequest(req: NonceRequest, responses: NonceResponse[]): SignatureShareRequest {
  return {
    type: 'signature-share-request',
    dkgId: req.dkgId,
    signId: req.signId,
    iterId: req.iterId,
    purpose: req.purpose,
    requestIds: req.requestIds,
    payload: req.payload,
    messages: req.messages,
    merkleRoot: req.merkleRoot,
    nonceResponses: [...responses].sort((a, b) => a.signerId - b.signerId),
  };
}

describe('signer refuses a malicious coordinator', () => {
  it('persists the nonce before the commitment leaves, and the share before it leaves', () => {
    const p = payload(2, 1);
    const { st, resp } = commitAll(10, p);
    const o = deliver(st.get(1)!, coordinator, nonceRequest(10, 1, p));
    expect(sent(o)).toEqual([resp.get(1)]); // same request again: the same commitment, no new nonce
    const req = shareRequest(
      nonceRequest(10, 1, p),
      [1, 2, 3].map((i) => resp.get(i)!),
    );
    const a = deliver(st.get(1)!, coordinator, req);
    const kinds = a.effects.map((e) => e.type);
    expect(kinds.indexOf('persist')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('persist')).toBeLessThan(kinds.indexOf('send'));
    expect(a.state.signing!.nonces).toBeNull(); // erased in the persisted state
    // The same request again: the same bytes. A different list: refused.
    expect(sent(deliver(a.state, coordinator, req))).toEqual(sent(a));
    const other = shareRequest(
      nonceRequest(10, 1, p),
      [1, 2, 4].map((i) => resp.get(i)!),
    );
    const b = deliver(a.state, coordinator, other);
    expect(sent(b)).toEqual([]);
    expect(refusal(b)?.reason).toBe('nonce-already-used');
  });

  const attacks: [string, (r: Map<number, NonceResponse>) => NonceResponse[], string][] = [
    [
      'own commitment altered',
      (r) => {
        const own = r.get(1)!;
        const other = r.get(2)!.nonces[0]!;
        return [{ ...own, nonces: [other, ...own.nonces.slice(1)] }, r.get(2)!, r.get(3)!];
      },
      'own-commitment-altered',
    ],
    ['own commitment missing', (r) => [r.get(2)!, r.get(3)!, r.get(4)!], 'not-in-signing-set'],
    [
      'own commitment duplicated',
      (r) => [r.get(1)!, { ...r.get(1)!, signerId: 2 }, r.get(3)!],
      'bad-key-ids',
    ],
    ['same signer twice', (r) => [r.get(1)!, r.get(2)!, r.get(2)!], 'duplicate-signer'],
    [
      'another signer’s commitment forged',
      (r) => [r.get(1)!, { ...r.get(2)!, nonces: r.get(3)!.nonces }, r.get(3)!],
      'bad-nonce-signature',
    ],
    ['below threshold', (r) => [r.get(1)!, r.get(2)!], 'below-threshold'],
  ];
  for (const [name, build, reason] of attacks) {
    it(`${name}: refused, nonce burnt`, () => {
      const p = payload(1, 2);
      const { st, resp } = commitAll(20, p);
      const req = shareRequest(nonceRequest(20, 1, p), build(resp));
      const o = deliver(st.get(1)!, coordinator, req);
      expect(sent(o)).toEqual([]);
      expect(refusal(o)?.reason).toBe(reason);
      expect(o.state.signing!.nonces).toBeNull();
      // A "fixed" retry with the same nonce gets nothing either.
      const fixed = shareRequest(
        nonceRequest(20, 1, p),
        [1, 2, 3].map((i) => resp.get(i)!),
      );
      const again = deliver(o.state, coordinator, fixed);
      expect(sent(again)).toEqual([]);
    });
  }

  it('different messages to different signers: refused (split view)', () => {
    const pa = payload(1, 3);
    const pb = payload(1, 4);
    const resp = new Map<number, NonceResponse>();
    const st = new Map<number, SignerState>();
    for (const [id, s] of states) {
      const o = deliver(s, coordinator, nonceRequest(30, 1, id <= 2 ? pa : pb), `split${id}`);
      st.set(id, o.state);
      resp.set(id, sent(o)[0] as NonceResponse);
    }
    // Signer 3 (saw B) is asked to sign B with signer 1's commitment (made for A).
    const o = deliver(
      st.get(3)!,
      coordinator,
      shareRequest(
        nonceRequest(30, 1, pb),
        [1, 3, 4].map((i) => resp.get(i)!),
      ),
    );
    expect(sent(o)).toEqual([]);
    expect(refusal(o)?.reason).toBe('split-messages');
    // Rewriting signer 1's body digest to B breaks signer 1's signature.
    const forged = { ...resp.get(1)!, bodyDigest: resp.get(3)!.bodyDigest };
    const o2 = deliver(
      st.get(4)!,
      coordinator,
      shareRequest(nonceRequest(30, 1, pb), [forged, resp.get(3)!, resp.get(4)!]),
    );
    expect(refusal(o2)?.reason).toBe('bad-nonce-signature');
  });

  it('messages changed between nonce and share request: refused', () => {
    const p = payload(1, 5);
    const { st, resp } = commitAll(40, p);
    const req = shareRequest(
      nonceRequest(40, 1, p),
      [1, 2, 3].map((i) => resp.get(i)!),
    );
    const o = deliver(st.get(1)!, coordinator, { ...req, messages: sighashesOf(payload(1, 6)) });
    expect(refusal(o)?.reason).toBe('body-changed');
    expect(sent(o)).toEqual([]);
  });

  it('policy refuses: no share, nonce burnt', () => {
    const p = payload(1, 7);
    const st = new Map<number, SignerState>();
    const resp = new Map<number, NonceResponse>();
    for (const [id, s] of states) {
      const o = deliver(s, coordinator, nonceRequest(50, 1, p, ['refuse-me']), `pol${id}`);
      st.set(id, o.state);
      resp.set(id, sent(o)[0] as NonceResponse);
    }
    const o = deliver(
      st.get(1)!,
      coordinator,
      shareRequest(
        nonceRequest(50, 1, p, ['refuse-me']),
        [1, 2, 3].map((i) => resp.get(i)!),
      ),
    );
    expect(refusal(o)?.reason).toBe('policy:blocklisted');
    expect(o.state.signing!.nonces).toBeNull();
  });

  it('a request from a coordinator that is not active: refused, state unchanged', () => {
    const p = payload(1, 8);
    const s = states.get(1)!;
    const other = sim.federation.parties.map((x) => x.id).find((id) => id !== coordinator)!;
    const o = deliver(s, other, nonceRequest(60, 1, p));
    expect(o.state).toBe(s);
    expect(sent(o)).toEqual([]);
    expect(refusal(o)?.reason).toBe('not-active-coordinator');
  });

  it('an old or replayed nonce request gets no fresh nonce and no blame', () => {
    const p = payload(1, 9);
    const { st } = commitAll(70, p);
    const s = st.get(1)!;
    for (const [signId, iterId] of [
      [70, 0],
      [69, 5],
      [10, 1],
    ] as const) {
      const o = deliver(s, coordinator, nonceRequest(signId, iterId, p));
      expect(sent(o)).toEqual([]);
      expect(o.state.signing).toBe(s.signing);
      expect(o.state.lastSign).toEqual(s.lastSign);
      expect(reports(o)).toEqual([{ kind: 'ignored', reason: 'old-id', what: 'nonce-request' }]);
    }
  });

  it('a signer that missed the key announcement adopts the key from the request’s proof', () => {
    const p = payload(1, 11);
    const s = states.get(1)!;
    const missed: SignerState = {
      ...s,
      current: null,
      pending: { ...s.current!, status: 'unverified' },
    };
    const coord = sim.nodes.get(`c:${coordinator}`)!.state as { key: { verification: string } };
    const ok = deliver(missed, coordinator, {
      ...nonceRequest(90, 1, p),
      keyVerification: coord.key.verification,
    });
    expect(sent(ok)).toHaveLength(1);
    expect(ok.state.current?.status).toBe('verified');
    const forged = deliver(missed, coordinator, {
      ...nonceRequest(90, 1, p),
      keyVerification: '00'.repeat(64),
    });
    expect(sent(forged)).toEqual([]);
    expect(refusal(forged)?.reason).toBe('unknown-key');
  });

  it('state is plain JSON: a signer restored from JSON answers exactly as the original', () => {
    const p = payload(1, 10);
    const { st, resp } = commitAll(80, p);
    const s = st.get(2)!;
    const restored = JSON.parse(JSON.stringify(s)) as SignerState;
    expect(restored).toEqual(s);
    const req = shareRequest(
      nonceRequest(80, 1, p),
      [1, 2, 3].map((i) => resp.get(i)!),
    );
    expect(sent(deliver(restored, coordinator, req, 'r'))).toEqual(
      sent(deliver(s, coordinator, req, 'r')),
    );
  });
});

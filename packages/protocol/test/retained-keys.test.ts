import { schnorr } from '@noble/curves/secp256k1.js';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { open } from '@peg/wire';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoordinatorReport } from '../src/coordinator/reports.ts';
import type { CoordinatorState } from '../src/coordinator/state.ts';
import { coordinatorStep } from '../src/coordinator/step.ts';
import type { Outgoing, OutgoingOf } from '../src/envelopes.ts';
import { outputKey } from '../src/output-key.ts';
import { RETAINED_KEYS, retire } from '../src/retained-keys.ts';
import { installKey, type SignerState } from '../src/signer/state.ts';
import { signerStep } from '../src/signer/step.ts';
import { seededBytes } from '../src/sim/random.ts';
import type { Simulation } from '../src/sim/simulation.ts';
import { toySighashes } from '../src/sim/toy-policy.ts';
import { dealKeys } from '../src/sim/trusted-dealer.ts';
import { dkgOk, expectValidSignatures, withSim } from './helpers/sim.ts';

// 3-of-3: every signer is in every signing set, so each one must still hold the named key.
const opts = { weights: [1, 1, 1], threshold: 3 };
const signerIds = [1, 2, 3];
const signerState = (sim: Simulation, id: number) => sim.nodes.get(`s:${id}`)!.state as SignerState;
const coordinatorState = (sim: Simulation) =>
  sim.nodes.get(`c:${sim.coordinator}`)!.state as CoordinatorState;
const previousIds = (s: { previous: { dkgId: number }[] }) => s.previous.map((k) => k.dkgId);

/** Two DKGs in a row: the first key is retained, the second is current. */
function twoKeys(sim: Simulation) {
  const d1 = dkgOk(sim);
  const d2 = dkgOk(sim);
  expect(d2.dkgId).toBeGreaterThan(d1.dkgId);
  expect(d2.groupKey).not.toBe(d1.groupKey);
  return { d1, d2 };
}

/** BIP340 check of the first signature under the Taproot output key of `groupKey`. */
function verifiesUnder(r: { kind: string }, groupKey: string): boolean {
  const s = r as Extract<CoordinatorReport, { kind: 'signature' }>;
  return schnorr.verify(
    hexToBytes(s.signatures[0]!),
    hexToBytes(s.messages[0]!),
    hexToBytes(outputKey(groupKey, s.tweak)),
  );
}

describe('retained keys: signing under an earlier key after a rotation', () => {
  it('after two DKGs, a round under each key verifies (BIP340) under that key’s output key', () => {
    withSim({ seed: 8801, ...opts }, (sim) => {
      const { d1, d2 } = twoKeys(sim);
      for (const id of signerIds) {
        expect(signerState(sim, id).current?.dkgId).toBe(d2.dkgId);
        expect(previousIds(signerState(sim, id))).toEqual([d1.dkgId]);
      }
      expect(coordinatorState(sim).key?.dkgId).toBe(d2.dkgId);
      expect(previousIds(coordinatorState(sim))).toEqual([d1.dkgId]);

      const from = sim.signerReports.length;
      const r1 = sim.sign([1], 1, { dkgId: d1.dkgId });
      expectValidSignatures(r1, d1.groupKey);
      expect(verifiesUnder(r1, d2.groupKey)).toBe(false);
      expect(r1).toMatchObject({ dkgId: d1.dkgId, groupKey: d1.groupKey, attempts: 1 });
      const sent = sim.signerReports.slice(from).filter((r) => r.report.kind === 'share-sent');
      expect(sent.map((r) => (r.report as { dkgId: number }).dkgId)).toEqual([
        d1.dkgId,
        d1.dkgId,
        d1.dkgId,
      ]);

      // The default stays the current key; naming it works too.
      const r2 = sim.sign([2], 1);
      expectValidSignatures(r2, d2.groupKey);
      expect(verifiesUnder(r2, d1.groupKey)).toBe(false);
      expect(r2).toMatchObject({ dkgId: d2.dkgId, groupKey: d2.groupKey });
      const r3 = sim.sign([3], 2, { dkgId: d2.dkgId });
      expectValidSignatures(r3, d2.groupKey);
      expect(sim.nonceReuse()).toEqual([]);
    });
  }, 300_000);

  it('a restart from the persisted state keeps the earlier keys', () => {
    withSim({ seed: 8802, ...opts }, (sim) => {
      const { d1 } = twoKeys(sim);
      const before = signerIds.map((id) => JSON.stringify(signerState(sim, id).previous));
      // Crash every node on its next input and restart it from its store.
      const nodes = [...sim.nodes.keys()];
      for (const node of nodes) {
        sim.planCrash({ node, when: () => true, beforeEffect: 0, restartAfter: 10 });
        sim.input(node, { type: 'chain-tip', tip: sim.tip, height: sim.tipHeight });
      }
      sim.run(() => false, 100);
      expect(sim.crashes.length).toBe(nodes.length);
      signerIds.forEach((id, i) => {
        expect(JSON.stringify(signerState(sim, id).previous)).toBe(before[i]);
      });
      expect(previousIds(coordinatorState(sim))).toEqual([d1.dkgId]);
      expectValidSignatures(sim.sign([1], 1, { dkgId: d1.dkgId }), d1.groupKey);
    });
  }, 300_000);
});

describe('retained keys: refusals and the bound', () => {
  let sim: Simulation;
  let d1: { dkgId: number; groupKey: string };
  let d2: { dkgId: number; groupKey: string };
  let keys: Map<number, Uint8Array>;
  const env = (label: string) => ({ now: 1_000_000, rng: seededBytes(11, label) });

  beforeAll(() => {
    sim = withSim({ seed: 8803, ...opts }, (s) => s);
    ({ d1, d2 } = twoKeys(sim));
    keys = new Map(sim.federation.parties.map((p) => [p.id, Buffer.from(p.publicKey, 'hex')]));
  }, 300_000);

  const t = `01${'ab'.repeat(31)}`;
  const nonceRequest = (dkgId: number, signId: number): OutgoingOf<'nonce-request'> => ({
    kind: 'nonce-request',
    dkgId,
    signId,
    iteration: 1,
    payload: {
      messages: toySighashes(t),
      rebuild: { withdrawalRequestIds: [7], unsignedTransaction: t },
      tweak: { type: 'taproot', merkleRoot: null },
    },
  });
  /** Sealed by the active coordinator and opened as the shell would, then stepped. */
  const deliver = (s: SignerState, m: Outgoing, label = 'x') => {
    const r = open(utf8ToBytes(sim.seal(sim.coordinator, m)), keys);
    if (!r.ok) throw new Error(`the wire refused ${m.kind}`);
    return signerStep(s, { type: 'message', envelope: r.json }, env(label));
  };
  /** Nothing changed but the liveness clock (the active coordinator was heard from). */
  const unchanged = (a: SignerState, b: SignerState) =>
    JSON.stringify({ ...a, view: { ...a.view, lastHeardAt: 0 } }) ===
    JSON.stringify({ ...b, view: { ...b.view, lastHeardAt: 0 } });
  const snapshot = (id: number) => JSON.parse(JSON.stringify(signerState(sim, id))) as SignerState;
  const signCommand = (dkgId?: number) => ({
    kind: 'sign' as const,
    withdrawalRequestIds: [7],
    unsignedTransaction: t,
    messages: toySighashes(t),
    tweak: { type: 'taproot' as const, merkleRoot: null },
    ...(dkgId === undefined ? {} : { dkgId }),
  });

  /** `n` more verified keys (trusted dealer, DKG ids 100, 101, ...) on top of the two DKGs'. */
  const dealt = (n: number) => {
    const layout = {
      parties: sim.federation.parties.map((p) => ({ id: p.id, keyIds: p.keyIds })),
      threshold: sim.federation.threshold,
    };
    return Array.from({ length: n }, (_, i) => ({
      dkgId: 100 + i,
      ...dealKeys(layout, seededBytes(i, 'dealt')),
    }));
  };

  it('a signer signs under a retained key by its DKG id', () => {
    const o = deliver(snapshot(1), nonceRequest(d1.dkgId, 50));
    expect(o.effects.map((e) => e.type)).toEqual(['persist', 'send']);
    expect(o.state.signing?.dkgId).toBe(d1.dkgId);
  });

  it('a request naming a DKG id the signer does not hold is refused, state unchanged', () => {
    const s = snapshot(1);
    const o = deliver(s, nonceRequest(d2.dkgId + 50, 50));
    expect(unchanged(o.state, s)).toBe(true);
    expect(o.effects).toEqual([
      {
        type: 'report',
        report: { kind: 'refused', reason: 'unknown-key', signId: 50, iteration: 1 },
      },
    ]);
  });

  it('the coordinator refuses a sign command naming a key it does not hold (state unchanged)', () => {
    const c = coordinatorState(sim);
    const copy = JSON.stringify(c);
    const step = (dkgId?: number) =>
      coordinatorStep(c, { type: 'command', command: signCommand(dkgId) }, env('c'));
    expect(() => step(d2.dkgId + 50)).toThrow(/"dkgId" \d+ names no key/);
    expect(() => step(0)).toThrow(/"dkgId" expected a positive integer/);
    expect(JSON.stringify(c)).toBe(copy);
    // A held key (earlier or current) is queued with its name, the default without one.
    const named = step(d1.dkgId);
    expect(named.state.sign?.key.dkgId ?? named.state.queue.at(-1)?.dkgId).toBe(d1.dkgId);
    const plain = step();
    expect(plain.state.sign?.key.dkgId ?? plain.state.queue.at(-1)?.dkgId).toBe(d2.dkgId);
  });

  it(`the bound: ${RETAINED_KEYS} earlier keys at most, the oldest dropped`, () => {
    const more = dealt(RETAINED_KEYS);
    // Signer: install them as verified keys (as `public-address-available` does).
    let s = snapshot(1);
    for (const k of more) {
      const own = { '1': k.keyShares['1']! };
      s = installKey(s, {
        dkgId: k.dkgId,
        pub: k.pub,
        keyShares: own,
        status: 'verified',
        verificationSigned: true,
        transcript: null,
      });
    }
    expect(s.current?.dkgId).toBe(100 + RETAINED_KEYS - 1);
    expect(previousIds(s)).toEqual([
      ...more
        .slice(0, -1)
        .map((k) => k.dkgId)
        .reverse(),
      d2.dkgId,
    ]);
    expect(previousIds(s)).not.toContain(d1.dkgId);
    const dropped = deliver(s, nonceRequest(d1.dkgId, 50));
    expect(unchanged(dropped.state, s)).toBe(true);
    expect(dropped.effects).toEqual([
      {
        type: 'report',
        report: { kind: 'refused', reason: 'unknown-key', signId: 50, iteration: 1 },
      },
    ]);
    // The oldest retained one still signs.
    expect(deliver(s, nonceRequest(d2.dkgId, 50)).effects.map((e) => e.type)).toEqual([
      'persist',
      'send',
    ]);

    // Coordinator: the same through `set-key`.
    let c = coordinatorState(sim);
    for (const k of more)
      c = coordinatorStep(
        c,
        {
          type: 'command',
          command: { kind: 'set-key', dkgId: k.dkgId, pub: k.pub, verification: '' },
        },
        env('set'),
      ).state;
    expect(previousIds(c)).toEqual(previousIds(s));
    expect(() =>
      coordinatorStep(c, { type: 'command', command: signCommand(d1.dkgId) }, env('c')),
    ).toThrow(/names no key/);
    // A peg-out queued under a key that was dropped while it waited is reported, not signed.
    const waiting: CoordinatorState = {
      ...c,
      queue: [{ ...signCommand(), dkgId: d1.dkgId }].map(({ kind: _, ...q }) => q),
    };
    const o = coordinatorStep(
      waiting,
      { type: 'command', command: { kind: 'cancel', withdrawalRequestIds: [99] } },
      env('q'),
    );
    expect(o.state.queue).toEqual([]);
    expect(o.state.sign).toBeNull();
    expect(o.effects).toContainEqual({
      type: 'report',
      report: { kind: 'unknown-key', dkgId: d1.dkgId, withdrawalRequestIds: [7] },
    });
  });

  it('retire: newest first, no duplicate of the new key, bounded; an old state has no list', () => {
    const k = (dkgId: number) => ({ dkgId });
    expect(retire(undefined, k(1), k(2))).toEqual([k(1)]);
    expect(retire([k(1)], k(2), k(2))).toEqual([k(1)]);
    expect(retire([k(2), k(1)], k(3), k(1))).toEqual([k(3), k(2)]);
    const full = Array.from({ length: RETAINED_KEYS }, (_, i) => k(RETAINED_KEYS - i));
    expect(retire(full, k(RETAINED_KEYS + 1), k(RETAINED_KEYS + 2))).toEqual([
      k(RETAINED_KEYS + 1),
      ...full.slice(0, -1),
    ]);
  });
});

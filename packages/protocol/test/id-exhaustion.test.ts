import { describe, expect, it } from 'vitest';
import type { CoordinatorState } from '../src/coordinator/state.ts';
import type { Outgoing } from '../src/envelopes.ts';
import { DKG_IDS_PER_SCOPE } from '../src/session-ids.ts';
import type { Simulation } from '../src/sim/simulation.ts';
import { toySighashes } from '../src/sim/toy-policy.ts';
import { dkgOk, expectValidSignatures, withSim } from './helpers/sim.ts';

// Session ids are u32 on the wire: nobody may push them to the limit and so stop later rounds.
const MAX_ID = 2 ** 32 - 1;
const TX = `01${'ab'.repeat(31)}`;

function nonceRequest(dkgId: number, signId: number, iteration: number): Outgoing {
  return {
    kind: 'nonce-request',
    dkgId,
    signId,
    iteration,
    payload: {
      messages: toySighashes(TX),
      rebuild: { withdrawalRequestIds: [424_242], unsignedTransaction: TX },
      tweak: { type: 'taproot', merkleRoot: null },
    },
  };
}

function dkgBegin(sim: Simulation, dkgId: number): Outgoing {
  return {
    kind: 'dkg-begin',
    dkgId,
    payload: {
      threshold: sim.federation.threshold,
      parties: sim.federation.parties.map((p) => ({ partyId: p.id, keyIds: [...p.keyIds] })),
    },
  };
}

/** Delivers `m`, sealed by `from`, to every node (signers and coordinators) but `from`'s own. */
function toEveryone(sim: Simulation, from: number, m: Outgoing): void {
  const bytes = sim.seal(from, m);
  for (const key of sim.nodes.keys()) if (key !== `c:${from}`) sim.inject(key, from, bytes);
}

const coordinatorState = (sim: Simulation, id: number) =>
  sim.nodes.get(`c:${id}`)!.state as CoordinatorState;

describe('id exhaustion', () => {
  it('a member sealing coordinator kinds with ids 2^32-1 moves no coordinator counter; rounds and DKG go on', () => {
    withSim({ seed: 3101, weights: [1, 1, 1, 1], threshold: 3, coordinators: 'all' }, (sim) => {
      const d = dkgOk(sim);
      const active = sim.coordinator;
      const member = sim.federation.parties.map((p) => p.id).find((id) => id !== active)!;
      const before = coordinatorState(sim, active);
      toEveryone(sim, member, nonceRequest(d.dkgId, MAX_ID, MAX_ID));
      toEveryone(sim, member, dkgBegin(sim, MAX_ID));
      toEveryone(sim, member, dkgBegin(sim, d.dkgId + 1));
      sim.run(() => false, 200);
      for (const id of sim.coordinatorIds) {
        const s = coordinatorState(sim, id);
        expect(s.maxDkgId).toBe(d.dkgId);
        if (id === active)
          expect([s.maxSignId, s.maxIteration]).toEqual([before.maxSignId, before.maxIteration]);
      }
      expectValidSignatures(sim.sign([1], 1), d.groupKey);
      const again = dkgOk(sim);
      expect(again.dkgId).toBe(d.dkgId + 1);
      expectValidSignatures(sim.sign([2], 1), again.groupKey);
    });
  }, 300_000);

  it('a malicious active coordinator pushing every id to its limit, then an honest takeover: signs and runs a DKG', () => {
    withSim(
      {
        seed: 3102,
        weights: [1, 1, 1, 1],
        threshold: 3,
        coordinators: 'all',
        timeouts: { takeover: 5_000 },
      },
      (sim) => {
        const d = dkgOk(sim);
        const bad = sim.coordinator;
        const honest = sim.coordinatorIds[1]!;
        // Everything it may try: the largest ids, and the largest DKG id signers still accept
        // from it (its window began at 0: the first DKG ran in its scope).
        toEveryone(sim, bad, nonceRequest(d.dkgId, MAX_ID, MAX_ID));
        toEveryone(sim, bad, nonceRequest(d.dkgId, MAX_ID - 1, MAX_ID));
        toEveryone(sim, bad, dkgBegin(sim, MAX_ID));
        toEveryone(sim, bad, dkgBegin(sim, DKG_IDS_PER_SCOPE + 1));
        toEveryone(sim, bad, dkgBegin(sim, DKG_IDS_PER_SCOPE));
        sim.run(() => false, 200);
        const refused = sim.signerReports.filter(
          (x) => x.report.kind === 'refused' && x.report.reason === 'id-out-of-window',
        );
        expect(refused).toHaveLength(2 * 4); // both out-of-window DKG ids, at every signer
        // It dies for good: the next in line takes over after the silence timeout.
        sim.planCrash({ node: `c:${bad}`, when: () => true, beforeEffect: 0, restartAfter: 1e12 });
        const r = sim.sign([1], 1);
        expectValidSignatures(r, d.groupKey);
        const outcome = sim.coordinatorReports.filter((x) => x.report.kind === 'signature').at(-1)!;
        expect(outcome.node).toBe(`c:${honest}`);
        const again = dkgOk(sim);
        expect(again.dkgId).toBeGreaterThan(DKG_IDS_PER_SCOPE); // above what it pushed
        expectValidSignatures(sim.sign([2], 1), again.groupKey);
      },
    );
  }, 300_000);
});

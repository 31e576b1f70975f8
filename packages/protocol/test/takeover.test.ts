import { describe, expect, it } from 'vitest';
import { activeOf } from '../src/selection.ts';
import type { SimOptions } from '../src/sim/simulation.ts';
import { toySighashes } from '../src/sim/toy-policy.ts';
import { dkgOk, expectValidSignatures, withSim } from './helpers/sim.ts';

/** Five signers (3 of 5), a coordinator per party, a 5 s takeover. */
const FIVE_WITH_BACKUPS = {
  weights: [1, 1, 1, 1, 1],
  threshold: 3,
  coordinators: 'all',
  timeouts: { takeover: 5_000 },
} satisfies Omit<SimOptions, 'seed'>;

describe('coordinator takeover', () => {
  it('the next coordinator in line takes over from a silent one and the round completes', () => {
    withSim(
      {
        seed: 808,
        ...FIVE_WITH_BACKUPS,
      },
      (sim) => {
        const d = dkgOk(sim);
        const first = sim.coordinator;
        const second = sim.coordinatorIds[1]!;
        // The active coordinator dies for good at its next input.
        sim.planCrash({
          node: `c:${first}`,
          when: () => true,
          beforeEffect: 0,
          restartAfter: 1e12,
        });
        const r = sim.sign([1], 1);
        expectValidSignatures(r, d.groupKey);
        // The outcome came from the second coordinator, after the silence timeout.
        const outcome = sim.coordinatorReports.filter((x) => x.report.kind === 'signature').at(-1)!;
        expect(outcome.node).toBe(`c:${second}`);
        expect(r.elapsed).toBeGreaterThanOrEqual(5_000);
        // Signers followed: each reported the change of coordinator.
        for (let id = 1; id <= 5; id++)
          expect(
            sim.signerReports.some(
              (x) =>
                x.node === `s:${id}` &&
                x.report.kind === 'coordinator-changed' &&
                x.report.active === second,
            ),
          ).toBe(true);
      },
    );
  }, 300_000);

  it('signers ignore requests of a coordinator that is not active', () => {
    withSim({ seed: 809, weights: [1, 1, 1, 1], threshold: 3, coordinators: 'all' }, (sim) => {
      const d = dkgOk(sim);
      const intruder = sim.coordinatorIds[2]!;
      const sharesBefore = sim.signerReports.filter((x) => x.report.kind === 'share-sent').length;
      for (let id = 1; id <= 4; id++)
        sim.inject(
          `s:${id}`,
          intruder,
          sim.seal(intruder, {
            kind: 'nonce-request',
            dkgId: d.dkgId,
            signId: 999,
            iteration: 1,
            payload: {
              messages: toySighashes(`01${'00'.repeat(31)}`),
              rebuild: { withdrawalRequestIds: [7], unsignedTransaction: `01${'00'.repeat(31)}` },
              tweak: { type: 'taproot', merkleRoot: null },
            },
          }),
        );
      sim.run(() => false, 100);
      const refusals = sim.signerReports.filter(
        (x) => x.report.kind === 'refused' && x.report.reason === 'not-active-coordinator',
      );
      expect(refusals).toHaveLength(4);
      expect(sim.signerReports.filter((x) => x.report.kind === 'share-sent').length).toBe(
        sharesBefore,
      );
      // The legitimate coordinator still signs (signId continues above what was refused).
      expectValidSignatures(sim.sign([2], 1), d.groupKey);
    });
  }, 300_000);

  it('an idle active coordinator keeps the role: its heartbeats hold every clock', () => {
    withSim(
      {
        seed: 810,
        ...FIVE_WITH_BACKUPS,
        trace: true,
      },
      (sim) => {
        const d = dkgOk(sim);
        const first = sim.coordinator;
        const sentBefore = sim.trace.length;
        // A minute with nothing to sign: twelve takeover periods.
        sim.run(() => false, 60_000);
        for (const node of sim.nodes.values()) {
          expect(node.state.view.attempt, `${node.kind} ${node.id}`).toBe(0);
          expect(activeOf(node.state.view, node.state.config.federation.parties)).toBe(first);
        }
        // A heartbeat every third of the takeover (36 in the minute), nothing else.
        const idle = sim.trace.slice(sentBefore);
        const kinds = new Set(idle.map((x) => x.envelope.kind));
        expect([...kinds]).toEqual(['coordinator-heartbeat']);
        expect(new Set(idle.map((x) => x.from))).toEqual(new Set([first]));
        const beats = new Set(idle.map((x) => x.bytes)).size;
        expect(beats).toBeGreaterThanOrEqual(34);
        expect(beats).toBeLessThanOrEqual(37);
        // The next round starts at once with the same coordinator.
        const r = sim.sign([3], 1);
        expectValidSignatures(r, d.groupKey);
        expect(r.elapsed).toBeLessThan(5_000);
        const outcome = sim.coordinatorReports.filter((x) => x.report.kind === 'signature').at(-1)!;
        expect(outcome.node).toBe(`c:${first}`);
      },
    );
  }, 300_000);

  it('a signer down for several takeover periods of an idle federation rejoins the same coordinator', () => {
    withSim(
      {
        seed: 811,
        ...FIVE_WITH_BACKUPS,
      },
      (sim) => {
        const d = dkgOk(sim);
        const first = sim.coordinator;
        // Signer 2 crashes at its next input (a heartbeat) and is down for 20 s: four takeover
        // periods during which it heard nothing.
        sim.planCrash({ node: 's:2', when: () => true, beforeEffect: 0, restartAfter: 20_000 });
        const changesBefore = sim.signerReports.length;
        sim.run(() => false, 40_000);
        expect(sim.crashes.map((c) => c.node)).toEqual(['s:2']);
        // Its downtime is not the coordinator's silence: it still follows the first one.
        for (const node of sim.nodes.values()) {
          expect(node.state.view.attempt, `${node.kind} ${node.id}`).toBe(0);
          expect(activeOf(node.state.view, node.state.config.federation.parties)).toBe(first);
        }
        expect(
          sim.signerReports
            .slice(changesBefore)
            .filter((x) => x.report.kind === 'coordinator-changed'),
        ).toEqual([]);
        expectValidSignatures(sim.sign([4], 1), d.groupKey);
      },
    );
  }, 300_000);

  it('signers running long before any coordinator follow the first one once the coordinators start', () => {
    withSim({ seed: 812, ...FIVE_WITH_BACKUPS }, (sim) => {
      // Every coordinator is down from the start for six takeover periods: the signers run alone.
      for (const id of sim.coordinatorIds)
        sim.planCrash({
          node: `c:${id}`,
          when: (input) => input.type === 'chain-tip',
          beforeEffect: 0,
          restartAfter: 30_000,
        });
      sim.run(() => false, 29_000);
      expect(sim.crashes).toHaveLength(5);
      // Nobody spoke, so nobody was silent: no signer moved on.
      for (let id = 1; id <= 5; id++)
        expect(sim.nodes.get(`s:${id}`)!.state.view.attempt, `signer ${id}`).toBe(0);
      // The coordinators start (the DKG command waits for the first one): all agree at once.
      const d = dkgOk(sim);
      expectValidSignatures(sim.sign([5], 1), d.groupKey);
      expect(
        sim.signerReports.filter(
          (x) => x.report.kind === 'refused' && x.report.reason === 'not-active-coordinator',
        ),
      ).toEqual([]);
    });
  }, 300_000);

  it('an active coordinator down longer than the takeover comes back behind the one that took over', () => {
    withSim({ seed: 813, ...FIVE_WITH_BACKUPS }, (sim) => {
      const d = dkgOk(sim);
      const [first, second] = sim.coordinatorIds as [number, number];
      // The active coordinator crashes at its next input (a heartbeat timer) for 20 s.
      sim.planCrash({
        node: `c:${first}`,
        when: () => true,
        beforeEffect: 0,
        restartAfter: 20_000,
      });
      sim.run(() => false, 40_000);
      expect(sim.crashes.map((c) => c.node)).toEqual([`c:${first}`]);
      // The others took over while it was down; back, it counts its own silence as they did.
      for (const node of sim.nodes.values())
        expect(
          activeOf(node.state.view, node.state.config.federation.parties),
          `${node.kind} ${node.id}`,
        ).toBe(second);
      expectValidSignatures(sim.sign([6], 1), d.groupKey);
      const outcome = sim.coordinatorReports.filter((x) => x.report.kind === 'signature').at(-1)!;
      expect(outcome.node).toBe(`c:${second}`);
    });
  }, 300_000);
});

import { describe, expect, it } from 'vitest';
import { toySighashes } from '../src/sim/toy-policy.ts';
import { dkgOk, expectValidSignatures, withSim } from './helpers/sim.ts';

describe('coordinator takeover', () => {
  it('the next coordinator in line takes over from a silent one and the round completes', () => {
    withSim(
      {
        seed: 808,
        weights: [1, 1, 1, 1, 1],
        threshold: 3,
        coordinators: 'all',
        timeouts: { takeover: 5_000 },
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
});

import { describe, expect, it } from 'vitest';
import type { CoordinatorInput } from '../src/coordinator/reports.ts';
import type { SignerInput } from '../src/signer/reports.ts';
import { blamed, dkgOk, expectValidSignatures, withSim } from './helpers/sim.ts';

const isMsg =
  (type: string) =>
  (i: SignerInput | CoordinatorInput): boolean =>
    i.type === 'message' && i.envelope.kind === type;

describe('replays', () => {
  it('a replayed valid NonceResponse in a later round is ignored, no one blamed', () => {
    withSim({ seed: 61, weights: [1, 1, 1, 1], threshold: 3, trace: true }, (sim) => {
      const d = dkgOk(sim);
      expectValidSignatures(sim.sign([1], 1), d.groupKey);
      const old = sim.trace.filter((t) => t.envelope.kind === 'nonce-response');
      expect(old.length).toBeGreaterThan(0);
      // Replay every recorded nonce response into the coordinator during the next round.
      for (const t of old) sim.inject(`c:${sim.coordinator}`, t.from, t.bytes, 5);
      const r = sim.sign([2], 1);
      expectValidSignatures(r, d.groupKey);
      if (r.kind !== 'signature') throw new Error('unreachable');
      expect(r.excluded).toEqual({});
      expect(r.attempts).toBe(1);
      expect(blamed(sim).size).toBe(0);
    });
  }, 300_000);

  it('a whole recorded session replayed to a restarted signer: nothing signed twice', () => {
    withSim({ seed: 62, weights: [1, 1, 1], threshold: 3, trace: true }, (sim) => {
      const d = dkgOk(sim);
      const from = sim.trace.length;
      expectValidSignatures(sim.sign([1], 2), d.groupKey);
      const session = sim.trace.slice(from).filter((t) => t.to === 's:1');
      expect(session.some((t) => t.envelope.kind === 'signature-share-request')).toBe(true);
      // Restart signer 1 from its persisted state, then replay its whole inbox of that session.
      sim.planCrash({ node: 's:1', when: () => true, beforeEffect: 0, restartAfter: 10 });
      sim.inject(
        's:1',
        sim.coordinator,
        sim.seal(sim.coordinator, { kind: 'dkg-query', dkgId: d.dkgId, payload: {} }),
      );
      sim.run(() => false, 50);
      expect(sim.crashes.length).toBe(1);
      const shareReports = () =>
        sim.signerReports.filter((r) => r.node === 's:1' && r.report.kind === 'share-sent').length;
      const before = shareReports();
      for (const t of session) sim.inject('s:1', t.from, t.bytes, 1);
      sim.run(() => false, 5_000);
      expect(shareReports()).toBe(before); // no share produced for a replayed request
      expect(sim.nonceReuse()).toEqual([]);
      expect(blamed(sim).size).toBe(0);
      // The federation still signs afterwards.
      expectValidSignatures(sim.sign([2], 1), d.groupKey);
    });
  }, 300_000);
});

describe('crash and restart at every effect boundary of a signing round', () => {
  // 3-of-3: every signer is in every signing set, so the crashed one is needed to finish.
  const cases: [string, string, number[]][] = [
    ['s:2', 'nonce-request', [0, 1, 2]], // persist, send
    ['s:2', 'signature-share-request', [0, 1, 2, 3]], // persist, send, report
    ['c:COORD', 'nonce-response', [0, 1, 2, 3, 4, 5]],
    ['c:COORD', 'signature-share-response', [0, 1, 2, 3, 4]],
  ];
  for (const [node0, input, boundaries] of cases) {
    it(`${node0} while handling ${input}: one share per nonce, the round completes`, () => {
      for (const b of boundaries) {
        withSim({ seed: 70 + b, weights: [1, 1, 1], threshold: 3 }, (sim) => {
          const d = dkgOk(sim);
          const node = node0.replace('COORD', String(sim.coordinator));
          sim.planCrash({ node, when: isMsg(input), beforeEffect: b, restartAfter: 100 });
          const r = sim.sign([100 + b], 2);
          expect(sim.crashes.length).toBe(1);
          expectValidSignatures(r, d.groupKey);
          expect(sim.nonceReuse()).toEqual([]);
          expect(blamed(sim).size).toBe(0);
          // And the next round is normal.
          expectValidSignatures(sim.sign([200 + b], 1), d.groupKey);
        });
      }
    }, 600_000);
  }
});

describe('crash and restart during DKG', () => {
  const cases: [string, string][] = [
    ['s:2', 'dkg-begin'],
    ['s:2', 'dkg-private-begin'],
    ['s:2', 'dkg-end-begin'],
    ['s:3', 'dkg-public-shares'],
    ['c:COORD', 'dkg-public-shares'],
    ['c:COORD', 'dkg-private-shares'],
    ['c:COORD', 'dkg-end'],
  ];
  for (const [node0, input] of cases) {
    it(`${node0} while handling ${input}: the DKG still completes with every party`, () => {
      for (const b of [0, 1, 2]) {
        withSim({ seed: 90 + b, weights: [1, 2, 1], threshold: 3 }, (sim) => {
          const node = node0.replace('COORD', String(sim.coordinator));
          sim.planCrash({ node, when: isMsg(input), beforeEffect: b, restartAfter: 150 });
          const d = dkgOk(sim);
          expect(sim.crashes.length).toBe(1);
          expect(d.pub.layout.parties.map((p) => p.id)).toEqual([1, 2, 3]);
          expect(blamed(sim).size).toBe(0);
          expectValidSignatures(sim.sign([1], 1), d.groupKey);
        });
      }
    }, 600_000);
  }
});

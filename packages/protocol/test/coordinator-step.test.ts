import { describe, expect, it } from 'vitest';
import type { CoordinatorState } from '../src/coordinator/state.ts';
import { coordinatorStep } from '../src/coordinator/step.ts';
import { TAKEOVER_TIMER } from '../src/selection.ts';
import { seededBytes } from '../src/sim/random.ts';
import type { Simulation } from '../src/sim/simulation.ts';
import { dkgOk, withSim } from './helpers/sim.ts';

/** The active coordinator's state just after it began signing a peg-out (DKG done first). */
function signingStarted(sim: Simulation, withdrawalId: number, message: string): CoordinatorState {
  dkgOk(sim);
  const key = `c:${sim.coordinator}`;
  sim.command({
    kind: 'sign',
    withdrawalRequestIds: [withdrawalId],
    unsignedTransaction: `01${'00'.repeat(31)}`,
    messages: [message.repeat(32)],
    tweak: { type: 'taproot', merkleRoot: null },
  });
  sim.run(() => (sim.nodes.get(key)!.state as CoordinatorState).sign !== null, 10_000);
  return sim.nodes.get(key)!.state as CoordinatorState;
}

describe('coordinator step', () => {
  it('a coordinator that loses the role mid-round hands the work back to its queue', () => {
    withSim({ seed: 5150, weights: [1, 1, 1], threshold: 2 }, (sim) => {
      const s = signingStarted(sim, 9, '22');
      expect(s.sign).not.toBeNull();
      const takeover = sim.federation.timeouts.takeover;
      const silent: CoordinatorState = {
        ...s,
        view: { ...s.view, lastHeardAt: sim.now - takeover },
      };
      const out = coordinatorStep(
        silent,
        { type: 'timer', id: TAKEOVER_TIMER },
        { now: sim.now, rng: seededBytes(1, 'x') },
      );
      expect(out.state.view.attempt).toBe(s.view.attempt + 1);
      expect(out.state.sign).toBeNull();
      expect(out.state.queue.map((q) => q.withdrawalRequestIds)).toEqual([[9]]);
      expect(out.state.deadline).toBeNull();
      expect(out.effects.some((e) => e.type === 'persist')).toBe(true);
      // It no longer acts on answers.
      const after = coordinatorStep(
        out.state,
        { type: 'timer', id: 'resend' },
        { now: sim.now + 1, rng: seededBytes(1, 'y') },
      );
      expect(after.effects).toEqual([]);
    });
  }, 300_000);

  it('a long phase resends at 1/8 of its span, to the missing signers in one message', () => {
    withSim(
      {
        seed: 5151,
        weights: [1, 1, 1, 1],
        threshold: 3,
        timeouts: { nonce: 8_000, sign: 8_000, resend: 250 },
      },
      (sim) => {
        const s = signingStarted(sim, 10, '33');
        expect(s.sign?.phase).toBe('nonce');
        const from = s.phase!.from;
        expect(s.phase!.until - from).toBe(8_000);
        // No nonce has arrived in this copy of the state: every live signer is missing.
        const waiting: CoordinatorState = { ...s, sign: { ...s.sign!, nonces: {}, order: [] } };
        const out = coordinatorStep(
          waiting,
          { type: 'timer', id: 'resend' },
          { now: from + 1_000, rng: seededBytes(2, 'r') },
        );
        const timer = out.effects.find((e) => e.type === 'set-timer' && e.id === 'resend');
        expect(timer?.type === 'set-timer' && timer.at - (from + 1_000)).toBe(1_000);
        const sends = out.effects.filter((e) => e.type === 'send');
        expect(sends).toHaveLength(1);
        const to = sends[0]!.type === 'send' ? sends[0]!.to : undefined;
        expect(to).toEqual({ kind: 'signers', ids: [1, 2, 3, 4] });
      },
    );
  }, 300_000);

  it('a phase of the default length keeps the fixed resend tick', () => {
    withSim({ seed: 5152, weights: [1, 1, 1], threshold: 2 }, (sim) => {
      const s = signingStarted(sim, 11, '44');
      const from = s.phase!.from;
      for (const elapsed of [250, 500, 750]) {
        const out = coordinatorStep(
          s,
          { type: 'timer', id: 'resend' },
          { now: from + elapsed, rng: seededBytes(3, 'r') },
        );
        const timer = out.effects.find((e) => e.type === 'set-timer' && e.id === 'resend');
        expect(timer?.type === 'set-timer' && timer.at - (from + elapsed)).toBe(250);
      }
    });
  }, 300_000);
});

import { describe, expect, it } from 'vitest';
import type { CoordinatorState } from '../src/coordinator/state.ts';
import { coordinatorStep } from '../src/coordinator/step.ts';
import { TAKEOVER_TIMER } from '../src/selection.ts';
import { seededBytes } from '../src/sim/random.ts';
import { dkgOk, withSim } from './helpers/sim.ts';

describe('coordinator step', () => {
  it('a coordinator that loses the role mid-round hands the work back to its queue', () => {
    withSim({ seed: 5150, weights: [1, 1, 1], threshold: 2 }, (sim) => {
      dkgOk(sim);
      const key = `c:${sim.coordinator}`;
      sim.command({
        kind: 'sign',
        withdrawalRequestIds: [9],
        unsignedTransaction: `01${'00'.repeat(31)}`,
        messages: ['22'.repeat(32)],
        tweak: { type: 'taproot', merkleRoot: null },
      });
      sim.run(() => (sim.nodes.get(key)!.state as CoordinatorState).sign !== null, 10_000);
      const s = sim.nodes.get(key)!.state as CoordinatorState;
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
});

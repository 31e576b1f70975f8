/**
 * Crash injection: a plan crashes a node while it runs the effects of a matching input, before a
 * given effect. The crash is thrown from the effect driver's `beforeEffect` hook, so the driver
 * stops exactly as a killed process would; the simulation then restarts the node from its store.
 */
import type { CoordinatorInput } from '../coordinator/reports.ts';
import type { SignerInput } from '../signer/reports.ts';
import type { NodeKey } from './event-queue.ts';

/** A crash plan: crash `node` while it runs the effects of its next matching input. */
export type CrashPlan = {
  node: NodeKey;
  /** Which input triggers it. */
  when: (input: SignerInput | CoordinatorInput) => boolean;
  /** Crash before executing the effect at this index (0 = before any effect). */
  beforeEffect: number;
  restartAfter: number;
};

/** A crash that happened: the node, what it was handling, the effect it stopped before. */
export type CrashRecord = { node: string; input: string; beforeEffect: number };

/** Thrown from the driver's hook to stop a node mid-effects. */
export class SimulatedCrash extends Error {
  constructor() {
    super('simulated crash');
    this.name = 'SimulatedCrash';
  }
}

/** True when `e` is a simulated crash (directly or as the cause of an effect failure). */
export const isSimulatedCrash = (e: unknown): boolean =>
  e instanceof SimulatedCrash || (e instanceof Error && e.cause instanceof SimulatedCrash);

export class CrashInjector {
  readonly plans: CrashPlan[] = [];
  readonly fired: CrashRecord[] = [];

  add(plan: CrashPlan): void {
    this.plans.push(plan);
  }

  /** Takes the first plan for this node and input, if any (a plan fires once). */
  take(node: NodeKey, input: SignerInput | CoordinatorInput): CrashPlan | undefined {
    const i = this.plans.findIndex((p) => p.node === node && p.when(input));
    return i < 0 ? undefined : this.plans.splice(i, 1)[0];
  }
}

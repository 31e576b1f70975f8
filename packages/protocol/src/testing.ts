/**
 * @peg/protocol/testing: the deterministic simulation of a federation and the test doubles it
 * runs with (toy sighashes and policy, scripted adversaries, seeded randomness, an in-memory
 * store). For tests and benchmarks only: nothing here is a real policy or a real store.
 */
export type { Behaviour, Outbound } from './sim/adversary.ts';
export { MISBEHAVIOURS } from './sim/adversary.ts';
export type { CrashPlan, CrashRecord } from './sim/crash.ts';
export { MemoryStore } from './sim/memory-store.ts';
export { dkgComplete, restartFrom, signaturesVerify } from './sim/outcomes.ts';
export { seededBytes, seededFloat } from './sim/random.ts';
export type { NetworkFaults } from './sim/relay.ts';
export type { Delivery, Logged, SimNode, SimOptions } from './sim/simulation.ts';
export { Simulation } from './sim/simulation.ts';
export { TOY_BLOCKLISTED, toyPolicy, toySighashes } from './sim/toy-policy.ts';

/** @peg/coordinator: the coordinator process, for embedding (tests, `pnpm dev`) and its CLI. */

export { buildCoordinatorApi } from './api/app.ts';
export type { CoordinatorApiDeps, CoordinatorApiOptions } from './api/deps.ts';
export { coordinatorProgram } from './cli.ts';
export {
  COORDINATOR_ENV_PREFIX,
  type CoordinatorConfig,
  CoordinatorConfigSchema,
} from './config.ts';
export {
  CoordinatorNode,
  type CoordinatorNodeOptions,
  type RoundRecord,
} from './coordinator-node.ts';
export { type KeyAction, type KeySituation, keyAction } from './key-lifecycle.ts';
export { CRASH_ENV, CRASH_POINTS, type CrashPoint } from './peg-out/crash-points.ts';

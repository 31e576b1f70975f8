/** @peg/coordinator: the coordinator process, for embedding (tests, `pnpm dev`) and its CLI. */
export { coordinatorProgram } from './cli.ts';
export { COORDINATOR_ENV_PREFIX, type CoordinatorConfig, CoordinatorConfigSchema } from './config.ts';
export { CoordinatorNode, type CoordinatorNodeOptions, type RoundRecord } from './coordinator-node.ts';
export { type KeyAction, keyAction, type KeySituation } from './key-lifecycle.ts';

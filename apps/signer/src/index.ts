/** @peg/signer: the signer process, for embedding (tests, `pnpm dev`) and its CLI. */

export { buildSignerApi } from './api/app.ts';
export type { SignerApiDeps, SignerApiOptions } from './api/deps.ts';
export { verifySignature } from './api/verify.ts';
export { signerProgram } from './cli.ts';
export { SIGNER_ENV_PREFIX, type SignerConfig, SignerConfigSchema } from './config.ts';
export { type InitOptions, type InitResult, initSigner } from './init.ts';
export { DecisionStore, type SweepDecision } from './peg-out/decision-store.ts';
export { approvedElsewhere } from './peg-out/paid-once.ts';
export { SignerPolicy, type SignerPolicyDeps } from './peg-out/policy-port.ts';
export {
  checkSweep,
  SWEEP_REFUSALS,
  type SweepCheck,
  type SweepCheckDeps,
  type SweepRefusal,
} from './peg-out/sweep-check.ts';
export { type CompiledPolicy, compilePolicy, evaluatePolicy } from './policy/engine.ts';
export { SignerNode, type SignerNodeOptions, type TimedReport } from './signer-node.ts';

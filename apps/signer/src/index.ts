/** @peg/signer: the signer process, for embedding (tests, `pnpm dev`) and its CLI. */

export { buildSignerApi } from './api/app.ts';
export type { SignerApiDeps, SignerApiOptions } from './api/deps.ts';
export { verifySignature } from './api/verify.ts';
export { signerProgram } from './cli.ts';
export { SIGNER_ENV_PREFIX, type SignerConfig, SignerConfigSchema } from './config.ts';
export { type InitOptions, type InitResult, initSigner } from './init.ts';
export { decide, NO_PEG_OUT_POLICY } from './policy.ts';
export { SignerNode, type SignerNodeOptions, type TimedReport } from './signer-node.ts';

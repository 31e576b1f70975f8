export { buildSignerApi } from './api/app.ts';
export type { SignerApiDeps, SignerApiOptions } from './api/deps.ts';
export { verifySignature } from './api/verify.ts';

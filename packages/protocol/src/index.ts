/**
 * @peg/protocol: pure DKG and signing state machines (signer and coordinator), coordinator
 * selection, and a deterministic simulation of a federation.
 */

export type {
  CoordinatorCommand,
  CoordinatorInput,
  CoordinatorReport,
} from './coordinator/reports.ts';
export type {
  CoordinatorConfig,
  CoordinatorKey,
  CoordinatorState,
  DkgRun,
  ExclusionReason,
  SignCommand,
  SignRun,
} from './coordinator/state.ts';
export { initialCoordinatorState } from './coordinator/state.ts';
export { coordinatorStep } from './coordinator/step.ts';
export type {
  DkgContext,
  DkgPartySecret,
  DkgPublicPackage,
  Hex,
  NonceCommitment,
  PublicKeyPackage,
  Rng,
  SecretNonce,
  ShareComplaint,
} from './crypto.ts';
export { dkgVerificationMessage, verifyBip340, xOnly } from './crypto.ts';
export { evidenceDigest, signEvidence, verifyEvidence } from './identity.ts';
export type {
  BadShareEvidence,
  DkgBegin,
  DkgEnd,
  DkgEndBegin,
  DkgPrivateBegin,
  DkgPrivateShares,
  DkgPublicShares,
  DkgQuery,
  DkgQueryResponse,
  DkgStatus,
  EquivocationEvidence,
  NonceRequest,
  NonceResponse,
  ProtocolMessage,
  PublicAddressAvailable,
  SignatureShareRequest,
  SignatureShareResponse,
  SignPurpose,
  SignRequestBody,
} from './messages.ts';
export { COORDINATOR_ONLY } from './messages.ts';
export type { CoordinatorView } from './selection.ts';
export { activeCoordinator, activeOf, coordinatorOrder, TAKEOVER_TIMER } from './selection.ts';
export type { SignerInput, SignerReport } from './signer/reports.ts';
export type { Policy, PolicyDecision, SignerEnv } from './signer/sign.ts';
export { bodyDigest, MAX_MESSAGES } from './signer/sign.ts';
export type {
  SignerConfig,
  SignerDkg,
  SignerKey,
  SignerSigning,
  SignerState,
} from './signer/state.ts';
export { initialSignerState } from './signer/state.ts';
export { signerStep } from './signer/step.ts';
export type { Behaviour, Outbound } from './sim/adversary.ts';
export { MISBEHAVIOURS } from './sim/adversary.ts';
export { seededBytes, seededFloat } from './sim/random.ts';
export type { CrashPlan, Delivery, Logged, NetworkFaults, SimOptions } from './sim/simulation.ts';
export { DEFAULT_TIMEOUTS, Simulation, sighashesOf, simPolicy } from './sim/simulation.ts';
export type {
  Address,
  Effect,
  Env,
  FederationConfig,
  PartyInfo,
  Step,
  Timeouts,
} from './types.ts';
export { assertConfig, weightOf } from './types.ts';

/**
 * @peg/protocol: pure DKG and signing state machines (signer and coordinator) speaking the
 * @peg/wire messages, coordinator selection, and a deterministic simulation of a federation.
 */

export type { TipRefusal } from './chain-tip.ts';
export { TIP_LAG_BLOCKS, TIP_LEAD_BLOCKS, tipRefusal } from './chain-tip.ts';
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
  Hex,
  LayoutSpec,
  NonceCommitment,
  PublicKeyPackage,
  Rng,
  SecretNonce,
  Tweak,
} from './crypto.ts';
export { dkgVerification, outputKey, taprootAddress, verifyBip340, xOnly } from './crypto.ts';
export type { Complaint, DkgSecret, DkgSession } from './dkg-crypto.ts';
export { frostDkgId, subLayout } from './dkg-crypto.ts';
export type { Outgoing, OutgoingOf, Payload, WireEnvelope, WireEnvelopeOf } from './envelopes.ts';
export { contentDigest, sealedHex } from './envelopes.ts';
export type { NewKeyRefusal } from './new-key-layout.ts';
export { minNewKeyWeight, newKeyRefusal } from './new-key-layout.ts';
export type { CoordinatorView } from './selection.ts';
export { activeCoordinator, activeOf, coordinatorOrder, TAKEOVER_TIMER } from './selection.ts';
export type { DkgIdWindow } from './session-ids.ts';
export { DKG_IDS_PER_SCOPE, idScope } from './session-ids.ts';
export type {
  RefusalReason,
  ShareRefusal,
  SignerInput,
  SignerReport,
} from './signer/reports.ts';
export type { Policy, PolicyDecision, SignerEnv } from './signer/sign.ts';
export { bodyDigest } from './signer/sign.ts';
export type {
  EchoList,
  SignBody,
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
  Network,
  PartyInfo,
  Step,
  Timeouts,
} from './types.ts';
export { assertConfig, dkgSession, weightOf } from './types.ts';

/**
 * @peg/protocol: pure DKG and signing state machines (signer and coordinator) speaking the
 * @peg/wire messages, coordinator selection, and the effect driver that runs a machine over its
 * ports (the same one in the simulation and in the processes). The simulation and its test
 * doubles are in `@peg/protocol/testing`.
 */

export type { RNG } from '@peg/frost';
export { taprootAddress } from './address.ts';
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
export {
  coordinatorCarriedKeys,
  initialCoordinatorState,
  withCarriedCoordinatorKeys,
} from './coordinator/state.ts';
export { coordinatorStep } from './coordinator/step.ts';
export type { Complaint, DkgSecret, DkgSession } from './dkg-crypto.ts';
export { frostDkgId, subLayout } from './dkg-crypto.ts';
export { dkgVerification } from './dkg-verification.ts';
export type { DriverOptions, Machine, TimerInput } from './effect-driver/driver.ts';
export { EffectDriver, EffectFailure } from './effect-driver/driver.ts';
export type {
  Awaitable,
  Clock,
  DriverPorts,
  Inbox,
  PolicyInput,
  PolicyPort,
  ReportSink,
  Snapshot,
  StateStore,
  TimerPort,
  Transport,
} from './effect-driver/ports.ts';
export type { Outgoing, OutgoingOf, Payload, WireEnvelope, WireEnvelopeOf } from './envelopes.ts';
export { contentDigest, sealedHex } from './envelopes.ts';
export type { FederationConfig, Network, PartyInfo } from './federation.ts';
export { assertConfig, dkgSession, weightOf } from './federation.ts';
export type { Hex } from './hex.ts';
export type { LayoutSpec } from './layout.ts';
export type { Address, Effect, Env, Step } from './machine.ts';
export type {
  Announcement,
  AnnouncementRefusal,
  AnnouncementResult,
  DirectoryUpdate,
  FederationConfigResult,
} from './membership/key-directory.ts';
export { KeyDirectory } from './membership/key-directory.ts';
export type { FederationParty, RegistryCandidate } from './membership/parties.ts';
export { federationParties, MAX_TOTAL_KEY_IDS } from './membership/parties.ts';
export { MAX_ANNOUNCEMENT_SEQUENCE, nextAnnouncementSequence } from './membership/sequence.ts';
export type { FederationThresholds } from './membership/thresholds.ts';
export { federationThresholds } from './membership/thresholds.ts';
export { assertKeysOnlyChange, type MessagingKeysInput } from './messaging-keys.ts';
export type { NewKeyRefusal } from './new-key-layout.ts';
export { minNewKeyWeight, newKeyRefusal } from './new-key-layout.ts';
export type { Tweak } from './output-key.ts';
export { outputKey, xOnly } from './output-key.ts';
export type { Policy, PolicyDecision, PolicyRequest } from './policy.ts';
export { decideProbe, MAX_PROBE_DATA, probeMessage } from './probe.ts';
export { type CarriedKeys, carryKeys, keyOfDkg, RETAINED_KEYS } from './retained-keys.ts';
export type { CoordinatorView } from './selection.ts';
export { activeCoordinator, activeOf, coordinatorOrder, TAKEOVER_TIMER } from './selection.ts';
export type { DkgIdWindow } from './session-ids.ts';
export { DKG_IDS_PER_SCOPE, idScope } from './session-ids.ts';
export type { SignBody } from './sign-body.ts';
export { bodyDigest } from './sign-body.ts';
export type { RefusalReason, ShareRefusal, SignerInput, SignerReport } from './signer/reports.ts';
export type { SignerEnv } from './signer/sign.ts';
export type {
  EchoList,
  SignerConfig,
  SignerDkg,
  SignerKey,
  SignerSigning,
  SignerState,
} from './signer/state.ts';
export {
  initialSignerState,
  signerCarriedKeys,
  withCarriedSignerKeys,
} from './signer/state.ts';
export { signerStep } from './signer/step.ts';
export type { NonceCommitment, PublicKeyPackage, SecretNonce } from './signing-crypto.ts';
export { verifyBip340 } from './signing-crypto.ts';
export type { Timeouts } from './timeouts.ts';
export { DEFAULT_TIMEOUTS } from './timeouts.ts';

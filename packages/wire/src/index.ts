export { canonicalJson } from './canonical.ts';
export {
  boundedBytes,
  bytes32,
  fixedBytes,
  id,
  idSet,
  keyedList,
  point,
  safeUint,
  scalar,
  signature64,
  uint32,
  uncompressedPoint,
  xOnlyKey,
} from './codecs.ts';
// Coordinator API v1 (the operator-facing HTTP bodies of a coordinator; docs/coordinator-api.md).
export {
  CoordinatorEvent,
  CoordinatorRole,
  CoordinatorStatus,
  CurrentRound,
  PegOutPipelineStatus,
  PegOutQueueQuery,
  PegOutQueueResponse,
  PegOutRequest,
  PegOutState,
  PegOutSweep,
  ProbeRequest,
  ProbeResponse,
  SweepState,
  SweepsQuery,
  SweepsResponse,
} from './coordinator-api.ts';
export {
  isCompressedPointHex,
  isCurveX,
  isUncompressedPointHex,
  N_HEX,
  P_HEX,
} from './curve.ts';
export {
  CONTENT_TAG,
  contentDigest,
  ENVELOPE_TAG,
  envelopeDigest,
  KEY_ANNOUNCEMENT_TAG,
  keyAnnouncementDigest,
} from './digest.ts';
export { DKG_FAILURE_TYPES, dleqProof, schnorrProof } from './dkg.ts';
export {
  buildSchemas,
  chainTipSchema,
  defaultSchemas,
  type Envelope,
  type EnvelopeJson,
  type EnvelopeJsonOf,
  type EnvelopeOf,
  type PayloadJsonOf,
  type PayloadOf,
  PROTOCOL_VERSION,
  type Schemas,
  schemasFor,
  senderSchema,
  type UnsignedEnvelope,
  type UnsignedEnvelopeJson,
  type UnsignedEnvelopeJsonOf,
  type UnsignedEnvelopeOf,
} from './envelope.ts';
export type { OpenError, OpenErrorCode } from './errors.ts';
export {
  COORDINATOR_KINDS,
  isCoordinatorKind,
  KIND_IDS,
  KIND_TABLE,
  KINDS,
  type Kind,
} from './kinds.ts';
export { DEFAULT_LIMITS, defineLimits, type Limits, LimitsSchema } from './limits.ts';
export { type ExpectedKeys, type OpenOptions, type OpenResult, open } from './open.ts';
// What the Signer and Coordinator APIs share (docs/protocol/wire.md section 8).
export {
  ApiId,
  ChainConnectivity,
  DkgRoundSummary,
  EndpointUrl,
  FederationKey,
  LastRounds,
  Millis,
  OPERATOR_EVENTS,
  PartyReason,
  PointHex,
  ProcessHealth,
  RelayConnectivity,
  RoundOutcome,
  RoundsQuery,
  RoundsResponse,
  SigningRoundSummary,
  TaprootAddress,
  XOnlyKeyHex,
} from './operator-api.ts';
// Relay HTTP API v1 (owned with apps/relay; see docs/relay.md).
export {
  AckRequest,
  AckResponse,
  AnnouncementsResponse,
  bodySha256Hex,
  EnvelopeHex,
  formatRelayAuthHeader,
  HealthResponse,
  InboxMessage,
  InboxParams,
  InboxStatus,
  MessageId,
  PartyAnnouncement,
  PartyId,
  PostMessageRequest,
  PostMessageResponse,
  parseRelayAuthHeader,
  RELAY_AUTH_SCHEME,
  RELAY_AUTH_TAG,
  ReadInboxQuery,
  ReadInboxResponse,
  Recipients,
  type RelayAuthFields,
  RelayAuthHeader,
  RelayError,
  RelayErrorCode,
  ReloadMembersResponse,
  relayAuthDigest,
  Seq,
  type SignRelayRequestInput,
  signRelayRequest,
  TokenResponse,
  taggedHash,
} from './relay-api.ts';
export { announceKey, type SealOptions, seal, sealJson } from './seal.ts';
// Signer API v1 (the operator-facing HTTP bodies of a signer; see docs/protocol/wire.md).
export {
  BreakerStatus,
  DecisionsQuery,
  DecisionsResponse,
  ListWithdrawalsQuery,
  ListWithdrawalsResponse,
  Recipient,
  ReviewDecision,
  ReviewDecisionResponse,
  ReviewReceipt,
  ReviewStatus,
  ReviewSweep,
  RotateMessagingKeyResponse,
  Sats,
  SignerEvent,
  SignerKeyPackage,
  SignerStatus,
  SweepDecision,
  VerifyKey,
  VerifyRequest,
  VerifyResponse,
  WithdrawalReview,
} from './signer-api.ts';
// The operator's policy file (docs/operations.md, "Policy file").
export { type SignerPolicyFile, signerPolicyFile } from './signer-policy.ts';
export { noncePair, tweak } from './signing.ts';
export {
  recoverableSignature,
  STACKS_COSIGN_REFUSALS,
  type StacksCosignRefusal,
  stacksTransactionId,
} from './stacks-cosign.ts';
export { taprootOutputKey } from './taproot.ts';

// Membership from the chain: pure, in @peg/protocol so that the relay (which @peg/runtime's
// tests start, so it cannot depend on @peg/runtime) shares the one implementation.
export {
  type Announcement,
  type AnnouncementRefusal,
  type AnnouncementResult,
  type DirectoryUpdate,
  type FederationConfigResult,
  type FederationParty,
  type FederationThresholds,
  federationParties,
  federationThresholds,
  KeyDirectory,
  MAX_ANNOUNCEMENT_SEQUENCE,
  MAX_TOTAL_KEY_IDS,
  nextAnnouncementSequence,
  type RegistryCandidate,
} from '@peg/protocol';
export { syncDirectory, writeFileAtomic } from './atomic-file.ts';
export { type BitcoinTip, readBitcoinTip, watchBitcoinTip } from './chain/bitcoin-tip.ts';
export { type PollOptions, pollForChanges } from './chain/poll.ts';
export { readStacksView, type StacksView, watchStacks } from './chain/stacks-view.ts';
export { type EnvOverride, envOverrides } from './config/env-overrides.ts';
export { ConfigError, type ConfigErrorCode, type ConfigIssue } from './config/errors.ts';
export { type LoadConfigOptions, loadConfigFile } from './config/load-config-file.ts';
export { resolveConfigPath } from './config/resolve-config-path.ts';
export { readSecretText, type SecretSource, secretSourceFromEnv } from './config/secret-text.ts';
// The HTTP parts the signer's and coordinator's operator APIs share (docs/signer-api.md).
export { ApiHttpError, apiErrorsPlugin } from './http/errors.ts';
export { EventHub } from './http/event-hub.ts';
export { EventRing, type Resume, type StreamEvent } from './http/event-ring.ts';
export { type HealthOptions, healthRoutes, type Readiness } from './http/health.ts';
export {
  createMetricsRegistry,
  type HttpMetricsOptions,
  httpMetricsPlugin,
  type MessageCounters,
  metricOnce,
  relayMessagesGauge,
} from './http/metrics.ts';
export { type OpenApiOptions, openApiPlugin } from './http/openapi.ts';
export {
  assertOperatorToken,
  generateOperatorToken,
  OPERATOR_TOKEN_MAX_LENGTH,
  OPERATOR_TOKEN_MIN_LENGTH,
  operatorAuth,
  operatorTokenMatcher,
} from './http/operator-token.ts';
export {
  createOperatorServer,
  DEFAULT_API_HOST,
  type EventSource,
  eventStreamMetrics,
  listenApi,
  type OperatorServerOptions,
  registerOperatorRoutes,
  streamEvents,
} from './http/server.ts';
export {
  EventStream,
  type EventStreamMetrics,
  type EventStreamOptions,
  type EventStreamStats,
} from './http/sse.ts';
export {
  EventStreamParser,
  type ReadEventStreamOptions,
  type ReceivedEvent,
  readEventStream,
} from './http/sse-client.ts';
export { KeystoreError, type KeystoreErrorCode } from './keystore/errors.ts';
export {
  DEFAULT_SCRYPT,
  FILE_LEN as KEYSTORE_FILE_LEN,
  type KeystoreSecrets,
  SCRYPT_LIMITS,
  type ScryptParams,
} from './keystore/format.ts';
export { KEYSTORE_MODE, Keystore, type KeystorePublicInfo } from './keystore/keystore.ts';
export { type PasswordSource, passwordBytes, readPassword } from './keystore/password.ts';
export { stateKeyId } from './keystore/state-key-id.ts';
export { CENSORED, censorSecrets, isSecretLogKey } from './log/censor-secrets.ts';
export {
  createLogger,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  LogLevelSchema,
} from './log/create-logger.ts';
export { type SerializedError, serializeError } from './log/serialize-error.ts';
export { sealAnnouncement } from './node/announce.ts';
export { forgetApiEndpoint, readApiEndpoint, recordApiEndpoint } from './node/api-endpoint.ts';
export { type EpochStoreOptions, epochStatePath, openEpochStore } from './node/epoch-store.ts';
export {
  epochOf,
  type FederationChange,
  FederationWatch,
  type FederationWatchOptions,
} from './node/federation-watch.ts';
export {
  type ChainTip,
  type EnvelopeRoute,
  type HostLogger,
  MachineHost,
  type MachineHostOptions,
  type OpenFailure,
} from './node/machine-host.ts';
export {
  type OperatorContext,
  openOperatorContext,
  type ProcessConfig,
  StartupError,
} from './node/operator-context.ts';
export { ProcessConfigShape, TimeoutsSchema, timeoutsOf } from './node/process-config.ts';
export {
  EXIT_FAILURE,
  EXIT_USAGE,
  exitCodeOf,
  exitOnUsage,
  exitWith,
  keystorePassword,
  PASSWORD_ENV,
  stopOnSignals,
} from './node/process-main.ts';
export { inboxOf, type ProcessRole, recipientsOf } from './node/relay-address.ts';
export { SERVICE_NODE_FLAGS } from './node/service-flags.ts';
export { ContractCallFailed, DEFAULT_CALL_FEE, sendContractCall } from './node/stacks-send.ts';
export {
  type Completion,
  completionOf,
  SIGNER_BITMAP,
  sweepNamedBy,
} from './peg-out/completion.ts';
export { type PegOutConfig, PegOutConfigSchema } from './peg-out/config.ts';
export { chainFeeRate } from './peg-out/fee-rate.ts';
export { describeMismatches, sweepRequestOf, walletUtxoOf } from './peg-out/sweep-params.ts';
export {
  type SeenSweep,
  type SweepInput,
  type SweepScan,
  SweepScanner,
} from './peg-out/sweeps-on-chain.ts';
export {
  btcNetworkOf,
  WALLET_TWEAK,
  walletAddressOf,
  walletOutputKey,
} from './peg-out/wallet-key.ts';
export { type Backoff, backoffDelay, DEFAULT_BACKOFF } from './relay/backoff.ts';
export { RelayClientError, type RelayClientErrorCode } from './relay/errors.ts';
export { canonicalRecipients, messageIdFor } from './relay/message-id.ts';
export {
  type ReceivedMessage,
  type RelayAnnouncement,
  RelayClient,
  type RelayClientOptions,
} from './relay/relay-client.ts';
export { sleep } from './sleep.ts';
export { answerCosignRequest, type CosignAnswer } from './stacks-cosign/answer.ts';
export { type CosignCheck, checkCosignRequest } from './stacks-cosign/check-request.ts';
export {
  type CollectOutcome,
  CosignCollector,
  type CosignIgnored,
  type CosignResponse,
} from './stacks-cosign/collector.ts';
export { cosign } from './stacks-cosign/cosign.ts';
export { decodeTransaction } from './stacks-cosign/decode.ts';
export { type CosignExpectation, checkExpectation } from './stacks-cosign/expectation.ts';
export {
  checkSignerSet,
  type SignerSet,
  signerPrincipal,
  signerSetHash,
} from './stacks-cosign/signer-set.ts';
export { StateStoreError, type StateStoreErrorCode } from './store/errors.ts';
export { MIGRATIONS, type Migration, migrate } from './store/migrations.ts';
export { openRecordsDb, type RecordsDb } from './store/records-db.ts';
export {
  type CommitResult,
  type LoadedState,
  type OutboxItem,
  type PendingMessage,
  STORE_MODE,
  StateStore,
  type StateStoreOptions,
  type StepCommit,
} from './store/state-store.ts';

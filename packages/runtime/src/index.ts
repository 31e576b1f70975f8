export { syncDirectory, writeFileAtomic } from './atomic-file.ts';
export { type BitcoinTip, readBitcoinTip, watchBitcoinTip } from './chain/bitcoin-tip.ts';
export { type PollOptions, pollForChanges } from './chain/poll.ts';
export { readStacksView, type StacksView, watchStacks } from './chain/stacks-view.ts';
// The HTTP parts the signer's and coordinator's operator APIs share (docs/signer-api.md).
export { ApiHttpError, apiErrorsPlugin } from './http/errors.ts';
export { EventHub } from './http/event-hub.ts';
export { EventRing, type Resume, type StreamEvent } from './http/event-ring.ts';
export { type HealthOptions, healthRoutes, type Readiness } from './http/health.ts';
export {
  createMetricsRegistry,
  type HttpMetricsOptions,
  httpMetricsPlugin,
  metricOnce,
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
export { type Backoff, backoffDelay, DEFAULT_BACKOFF } from './relay/backoff.ts';
export { RelayClientError, type RelayClientErrorCode } from './relay/errors.ts';
export { canonicalRecipients, messageIdFor } from './relay/message-id.ts';
export {
  type ReceivedMessage,
  RelayClient,
  type RelayClientOptions,
} from './relay/relay-client.ts';
export { StateStoreError, type StateStoreErrorCode } from './store/errors.ts';
export { MIGRATIONS, type Migration, migrate } from './store/migrations.ts';
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

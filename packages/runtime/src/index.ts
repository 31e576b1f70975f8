export { syncDirectory, writeFileAtomic } from './atomic-file.ts';
export { type BitcoinTip, readBitcoinTip, watchBitcoinTip } from './chain/bitcoin-tip.ts';
export { type PollOptions, pollForChanges } from './chain/poll.ts';
export { readStacksView, type StacksView, watchStacks } from './chain/stacks-view.ts';
export { type EnvOverride, envOverrides } from './config/env-overrides.ts';
export { ConfigError, type ConfigErrorCode, type ConfigIssue } from './config/errors.ts';
export { type LoadConfigOptions, loadConfigFile } from './config/load-config-file.ts';
export { resolveConfigPath } from './config/resolve-config-path.ts';
export { readSecretText, type SecretSource, secretSourceFromEnv } from './config/secret-text.ts';
export {
  announcementSequence,
  MAX_ANNOUNCEMENT_SEQUENCE,
} from './keystore/announcement-sequence.ts';
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

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
  type RelayAnnouncement,
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

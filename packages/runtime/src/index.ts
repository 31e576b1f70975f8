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
  RelayClient,
  type RelayClientOptions,
} from './relay/relay-client.ts';
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

export { stacksAddressOf } from './address.ts';
export {
  type ApiClient,
  createApiClient,
  EVENTS_PAGE_SIZE,
  getContractPrintEvents,
  getNonces,
  getTransaction,
} from './api.ts';
export {
  acceptWithdrawalCall,
  type ContractCallSpec,
  type ContractRole,
  completeWithdrawalsCall,
  initiateWithdrawalCall,
  registerSignerKeyCall,
  rejectWithdrawalCall,
  rotateKeysCall,
  type SweepBurnBlock,
  setSignerWeightCall,
  type WithdrawalOutcome,
} from './calls.ts';
export {
  boolOf,
  bufferOf,
  decodeHex,
  listOf,
  optionalOf,
  principalOf,
  stringOf,
  tupleOf,
  uintOf,
} from './clarity.ts';
export {
  createStacksClient,
  MAX_REQUEST_RANGE,
  type StacksClient,
  type WaitOptions,
} from './client.ts';
export {
  DEFAULT_CONTRACT_NAMES,
  type ResolvedOptions,
  resolveOptions,
  type StacksClientOptions,
} from './config.ts';
export {
  ClarityDecodeError,
  HttpError,
  MultisigError,
  NetworkError,
  ReadOnlyCallError,
  ResponseShapeError,
  StacksClientError,
  type StacksClientErrorOptions,
  TransactionRejectedError,
  TransactionTimeoutError,
} from './errors.ts';
export { type FetchFn, joinUrl } from './http.ts';
export {
  ACCOUNTS_PATH,
  BROADCAST_PATH,
  broadcastTransaction,
  callReadOnly,
  DATA_VAR_PATH,
  getAccount,
  getChainTip,
  getDataVar,
  INFO_PATH,
  READ_ONLY_PATH,
} from './node.ts';
export {
  decodeRecipient,
  decodeSigner,
  decodeSignerCandidates,
  decodeSignerData,
  decodeWithdrawalRequest,
  decodeWithdrawalSweep,
} from './registry.ts';
export {
  assembleMultisigCall,
  type BuiltTransaction,
  buildContractCall,
  buildUnsignedMultisigCall,
  type ContractCallDescription,
  type ContractCallTx,
  describeContractCall,
  type MultisigSignature,
  type NetworkName,
  signMultisigCall,
} from './transactions.ts';
export type {
  AccountNonces,
  ChainTip,
  ContractPrintEvent,
  SignerCandidate,
  SignerData,
  TransactionInfo,
  TxStatus,
  WithdrawalRecipient,
  WithdrawalRequest,
  WithdrawalStatus,
  WithdrawalSweep,
} from './types.ts';

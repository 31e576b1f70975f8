export {
  DUST_LIMIT,
  MAX_ADDRESS_VERSION,
  MAX_BATCH_WITHDRAWALS,
  MAX_SIGNERS,
  RECIPIENT_VERSIONS,
} from './constants.ts';
export {
  CONTRACT_NAMES,
  type ContractName,
  contractSourcePath,
  contractsDir,
  manifestPath,
} from './contracts.ts';
export {
  type BatchError,
  decodeBatchError,
  errorName,
  REGISTRY_ERRORS,
  TOKEN_ERRORS,
  WITHDRAWAL_ERRORS,
} from './errors.ts';

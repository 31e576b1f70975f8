export {
  DUST_LIMIT,
  MAX_BATCH_WITHDRAWALS,
  MAX_SIGNERS,
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

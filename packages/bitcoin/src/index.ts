export { MAX_MONEY } from './assert.ts';
export { DUST_RELAY_FEE_SAT_PER_KVB, dustThreshold, SBTC_DUST_LIMIT } from './dust.ts';
export type { FinalizeErrorCode, SweepErrorCode } from './errors.ts';
export { FinalizeError, SweepError } from './errors.ts';
export {
  feeRateFromBtcPerKvb,
  feeRateToSatPerKvb,
  MAX_FEE_RATE,
  MIN_FEE_RATE,
} from './fee-rate.ts';
export type { SignedSweep } from './finalize.ts';
export { finalizeSweep } from './finalize.ts';
export {
  decodeWithdrawalIds,
  encodeWithdrawalIds,
  MAX_OP_RETURN_PAYLOAD,
  OP_RETURN_MAGIC,
  OP_RETURN_VERSION,
  parseWithdrawalIdsScript,
  withdrawalIdsScript,
} from './op-return.ts';
export type { SweepReading } from './read.ts';
export { readSweep } from './read.ts';
export type { RebuildResult } from './rebuild.ts';
export { rebuildSweep } from './rebuild.ts';
export type { BtcNetwork, RecipientScript } from './recipient.ts';
export {
  MAINNET_NETWORK,
  MAX_RECIPIENT_VERSION,
  RECIPIENT_VERSION,
  REGTEST_NETWORK,
  recipientAddress,
  recipientFromAddress,
  recipientHashLength,
  recipientScript,
  scriptAddress,
  TESTNET_NETWORK,
} from './recipient.ts';
export type { BitcoinRpc, BitcoinRpcOptions, EstimateMode, FetchLike } from './rpc/client.ts';
export { createBitcoinRpc } from './rpc/client.ts';
export {
  BitcoinRpcClientError,
  BitcoinRpcError,
  BitcoinRpcHttpError,
  BitcoinRpcResponseError,
  BitcoinRpcTransportError,
  RPC_ERROR_CODE,
} from './rpc/errors.ts';
export type {
  Block,
  BlockchainInfo,
  BlockVerbose,
  BlockWithPrevouts,
  DecodedTransaction,
  MempoolAcceptResult,
  RawTransactionVerbose,
  ScanTxOutSetResult,
  SmartFeeEstimate,
  TxOut,
  Unspent,
} from './rpc/schemas.ts';
export { btcToSats, walletDescriptor, walletUtxosFrom } from './rpc/utxos.ts';
export { sweepSighashes } from './sighash.ts';
export { MAX_STANDARD_TX_WEIGHT, sweepWeight, vsizeOf } from './size.ts';
export {
  buildSweep,
  INCREMENTAL_RELAY_FEE_SAT_PER_KVB,
  MAX_SWEEP_INPUTS,
  MAX_SWEEP_REQUESTS,
  SWEEP_LOCK_TIME,
  SWEEP_SEQUENCE,
  SWEEP_TX_VERSION,
} from './sweep.ts';
export type {
  ExcludedRequest,
  ExclusionReason,
  Prevout,
  Recipient,
  Sats,
  Sweep,
  SweepOutput,
  SweepParams,
  SweptRequest,
  WalletUtxo,
  WithdrawalRequest,
} from './types.ts';
export type { SweepMismatch, SweepValidation } from './validate.ts';
export { validateSweep } from './validate.ts';
export { outputKeyOfScript, taprootOutputKey, walletAddress, walletScript } from './wallet.ts';

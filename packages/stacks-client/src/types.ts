/** Hex strings here are lowercase without `0x`; amounts are sats as bigint. */

/** A withdrawal recipient as the contracts store it (Bitcoin address version + hash bytes). */
export type WithdrawalRecipient = { version: number; hashbytes: string };

/** `pending` until the signers accept (swept) or reject it. */
export type WithdrawalStatus = 'pending' | 'accepted' | 'rejected';

/** `get-withdrawal-request`, with its id. */
export type WithdrawalRequest = {
  id: bigint;
  amount: bigint;
  maxFee: bigint;
  sender: string;
  recipient: WithdrawalRecipient;
  /** Burn (Bitcoin) height at which the request was made. */
  blockHeight: bigint;
  status: WithdrawalStatus;
};

/** `get-completed-withdrawal-sweep-data`. */
export type WithdrawalSweep = { sweepTxid: string; sweepBurnHash: string; sweepBurnHeight: bigint };

/** `get-current-signer-data`. */
export type SignerData = {
  signerSet: string[];
  /** `00` before the first key rotation. */
  aggregatePubkey: string;
  signerPrincipal: string;
  signatureThreshold: bigint;
};

/** One entry of `get-signer-candidates` (our registry only). */
export type SignerCandidate = { signer: string; weight: bigint; publicKey: string | undefined };

/** Node `/v2/info` reduced to the chain tips. */
export type ChainTip = {
  stacksHeight: number;
  stacksTip: string;
  burnHeight: number;
  /** Burn height the node considers stable (past the reorg window). */
  stableBurnHeight: number;
  networkId: number;
};

/** Account nonces as the Stacks API reports them. */
export type AccountNonces = {
  possibleNextNonce: bigint;
  lastExecutedNonce: bigint | undefined;
  lastMempoolNonce: bigint | undefined;
  missingNonces: bigint[];
};

/** The final and non-final statuses of a transaction on the Stacks API. */
export type TxStatus =
  | 'pending'
  | 'success'
  | 'abort_by_response'
  | 'abort_by_post_condition'
  | 'dropped_replace_by_fee'
  | 'dropped_replace_across_fork'
  | 'dropped_too_expensive'
  | 'dropped_stale_garbage_collect'
  | 'dropped_problematic';

/** A transaction as `GET /extended/v1/tx/{id}` reports it. */
export type TransactionInfo = {
  txid: string;
  status: TxStatus;
  /** Stacks block height once mined. */
  blockHeight: number | undefined;
  /** The Clarity result (e.g. `(ok true)`), hex and repr, once mined. */
  result: { hex: string; repr: string } | undefined;
};

/** A `print` event of one of our contracts. */
export type ContractPrintEvent = {
  txid: string;
  eventIndex: number;
  blockHeight: number;
  contractId: string;
  /** The `topic` field of the printed tuple, when it has one. */
  topic: string | undefined;
  /** The printed value, hex-serialized. */
  hex: string;
  repr: string;
};

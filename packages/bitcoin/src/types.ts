/** Satoshis. Always a bigint so sums never lose precision. */
export type Sats = bigint;

/**
 * A withdrawal recipient exactly as the sBTC contracts store it (`{version, hashbytes}`):
 * 0 P2PKH, 1 P2SH, 2 P2SH-P2WPKH, 3 P2SH-P2WSH, 4 P2WPKH (20-byte hashes);
 * 5 P2WSH, 6 P2TR (32 bytes). Lengths are exact, no padding.
 */
export type Recipient = { version: number; hashbytes: Uint8Array };

/** An accepted withdrawal request as read from the withdrawal contract. */
export type WithdrawalRequest = {
  /** Request id (Clarity `uint`). */
  id: bigint;
  /** Amount paid to the recipient, in sats, exactly. */
  amount: Sats;
  /** Most the requester agreed to pay towards the Bitcoin fee, in sats. */
  maxFee: Sats;
  recipient: Recipient;
};

/** A wallet UTXO: a P2TR key-path output of the signers' (tweaked) output key. */
export type WalletUtxo = {
  /** Transaction id, hex, in the usual display (big-endian) order. */
  txid: string;
  vout: number;
  amount: Sats;
  /** 32-byte x-only Taproot output key Q (already tweaked; it is what the scriptPubKey holds). */
  outputKey: Uint8Array;
};

/** Everything the sweep is a pure function of. Coordinator and signers pass the same value. */
export type SweepParams = {
  utxos: readonly WalletUtxo[];
  requests: readonly WithdrawalRequest[];
  /** Fee rate in sat/vB; rounded to the nearest sat/kvB. */
  feeRate: number;
  /** 32-byte x-only output key of the wallet that receives the change (possibly a new key). */
  changeOutputKey: Uint8Array;
  /**
   * Set when this sweep replaces (RBF, BIP125) unconfirmed transactions spending the same
   * UTXOs: `fee` is their total fee, descendants included. The new fee then also covers it plus
   * the new vsize at the incremental relay fee.
   */
  replaces?: { fee: Sats } | undefined;
};

/** Why a request was left out of the sweep. */
export type ExclusionReason =
  | 'invalid-recipient'
  | 'dust'
  | 'op-return-full'
  | 'tx-too-large'
  | 'max-fee-exceeded'
  | 'insufficient-funds';

export type ExcludedRequest = { id: bigint; reason: ExclusionReason; detail: string };

/** A request paid by the sweep, with the fee it is charged (what accept-withdrawal records). */
export type SweptRequest = {
  id: bigint;
  amount: Sats;
  maxFee: Sats;
  /** This request's share of the transaction fee; always <= maxFee. */
  fee: Sats;
  outputIndex: number;
  script: Uint8Array;
};

/** A previous output being spent: what BIP341 sighashes commit to. */
export type Prevout = { txid: string; vout: number; script: Uint8Array; amount: Sats };

export type SweepOutput =
  | { kind: 'change'; script: Uint8Array; amount: Sats }
  | { kind: 'op-return'; script: Uint8Array; amount: Sats; ids: readonly bigint[] }
  | { kind: 'withdrawal'; script: Uint8Array; amount: Sats; requestId: bigint };

/** The unsigned sweep and everything needed to sign, check and finalise it. */
export type Sweep = {
  /** Unsigned transaction bytes (no witness); what signers compare. */
  unsignedTx: Uint8Array;
  /** Transaction id (display hex). Known before signing: witnesses do not change it. */
  txid: string;
  /** Inputs in transaction order, with their previous outputs. */
  prevouts: readonly Prevout[];
  outputs: readonly SweepOutput[];
  /** One BIP341 key-path sighash (SIGHASH_DEFAULT) per input, in input order. */
  sighashes: readonly Uint8Array[];
  requests: readonly SweptRequest[];
  excluded: readonly ExcludedRequest[];
  /** Total fee = sum of the requests' fees >= baseFee. */
  fee: Sats;
  /**
   * max(ceil(vsize * feeRate), replaces.fee + ceil(vsize * incremental relay fee)): the fee to
   * split, before per-request rounding.
   */
  baseFee: Sats;
  /** Fee rate actually used, in sat/kvB. */
  feeRateSatPerKvb: bigint;
  /** Weight and vsize of the signed transaction (one 64-byte key-path signature per input). */
  weight: number;
  vsize: number;
};

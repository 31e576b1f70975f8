import { hex } from '@scure/base';
import { RawTx } from '@scure/btc-signer';
import { internalToDisplay, sha256d } from './block.ts';

type RawTxData = ReturnType<typeof RawTx.decode>;

/** A transaction's ids and sizes, as Core reports them. */
export type TxFacts = {
  txid: string;
  /** Hash of the full serialization; the txid when there is no witness. */
  wtxid: string;
  /** Bytes with witness data. */
  size: number;
  /** BIP141: 3 x the size without witness data + the full size. */
  weight: number;
  /** weight / 4, rounded up. */
  vsize: number;
};

/**
 * Ids and sizes from the parsed transaction itself, so that unsigned transactions (which
 * `decoderawtransaction` must read) are measured too.
 */
export function measureTx(raw: RawTxData): TxFacts {
  const full = RawTx.encode(raw);
  const stripped = RawTx.encode({ ...raw, segwitFlag: false, witnesses: undefined });
  const weight = stripped.length * 3 + full.length;
  return {
    txid: internalToDisplay(sha256d(stripped)),
    wtxid: internalToDisplay(sha256d(full)),
    size: full.length,
    weight,
    vsize: Math.ceil(weight / 4),
  };
}

/** The txid (display order) of a raw transaction: hash of the serialization without witnesses. */
export function txidOf(rawHex: string): string {
  return measureTx(RawTx.decode(hex.decode(rawHex))).txid;
}

/** The wtxid (display order) of a raw transaction. */
export function wtxidOf(rawHex: string): string {
  return measureTx(RawTx.decode(hex.decode(rawHex))).wtxid;
}

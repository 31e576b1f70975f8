import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import { RawTx } from '@scure/btc-signer';
import { assertSats } from './assert.ts';
import { parseWithdrawalIdsScript } from './op-return.ts';
import type { Sats } from './types.ts';
import { outputKeyOfScript } from './wallet.ts';

/** What a transaction in the sweep layout says about itself, without any parameters. */
export type SweepReading = {
  txid: string;
  /** The transaction without witnesses: what the signers signed (and `validateSweep` compares). */
  unsignedTx: Uint8Array;
  /** Spent outpoints as `txid:vout`, in input order. */
  inputs: readonly string[];
  /** Output 0: the new wallet UTXO and its x-only output key. */
  change: { outputKey: Uint8Array; amount: Sats };
  /** Request ids named by the OP_RETURN, in output order. */
  ids: readonly bigint[];
  /** Output 2 + i pays `ids[i]`. */
  withdrawals: readonly {
    requestId: bigint;
    outputIndex: number;
    script: Uint8Array;
    amount: Sats;
  }[];
  /** Σ inputs − Σ outputs, when the caller gives the spent amounts (in input order). */
  fee: Sats | undefined;
};

/**
 * Read a (signed or unsigned) sweep seen on chain: which requests it pays, at which output,
 * how much. Used after confirmation to complete the withdrawals on Stacks (`output-index`,
 * `fee`). Throws a RangeError when the transaction does not have the sweep layout. It checks
 * shape only: `validateSweep` is what says it is the right sweep.
 */
export function readSweep(tx: Uint8Array | string, spentAmounts?: readonly Sats[]): SweepReading {
  let raw: ReturnType<typeof RawTx.decode>;
  try {
    raw = RawTx.decode(typeof tx === 'string' ? hex.decode(tx) : tx);
  } catch (e) {
    throw new RangeError(`"tx" is not a transaction: ${e instanceof Error ? e.message : e}`);
  }
  const [change, opReturn, ...rest] = raw.outputs;
  const outputKey = change && outputKeyOfScript(change.script);
  if (!change || !outputKey) throw new RangeError('"tx" output 0 is not a P2TR wallet output');
  if (opReturn?.amount !== 0n) throw new RangeError('"tx" output 1 is not OP_RETURN');
  const ids = parseWithdrawalIdsScript(opReturn.script);
  if (ids.length !== rest.length) {
    throw new RangeError(`"tx" names ${ids.length} ids but has ${rest.length} payments`);
  }
  const stripped = RawTx.encode({ ...raw, segwitFlag: false, witnesses: undefined });
  let fee: Sats | undefined;
  if (spentAmounts !== undefined) {
    if (spentAmounts.length !== raw.inputs.length) {
      throw new RangeError(`"spentAmounts" expected ${raw.inputs.length} amounts`);
    }
    for (const [i, a] of spentAmounts.entries()) assertSats(a, `spentAmounts[${i}]`);
    const out = raw.outputs.reduce((s, o) => s + o.amount, 0n);
    fee = spentAmounts.reduce((s, a) => s + a, 0n) - out;
    // No valid transaction pays out more than it spends: the amounts given are not its inputs.
    if (fee < 0n) throw new RangeError(`"spentAmounts" total less than the outputs by ${-fee}`);
  }
  return {
    txid: hex.encode(sha256(sha256(stripped)).reverse()),
    unsignedTx: stripped,
    inputs: raw.inputs.map((i) => `${hex.encode(i.txid)}:${i.index}`),
    change: { outputKey, amount: change.amount },
    ids,
    withdrawals: rest.map((o, i) => ({
      requestId: ids[i]!,
      outputIndex: i + 2,
      script: o.script,
      amount: o.amount,
    })),
    fee,
  };
}

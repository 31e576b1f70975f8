import { hex } from '@scure/base';
import { SigHash, Transaction } from '@scure/btc-signer';
import type { Prevout } from './types.ts';

/** Parse options for our transactions: OP_RETURN is an "unknown" output to scure. */
export const TX_OPTS = { allowUnknownOutputs: true } as const;

/**
 * BIP341 key-path sighashes (SIGHASH_DEFAULT, no annex), one per input. Every sighash commits
 * to all prevout amounts and scripts, so `prevouts` must be the outputs the inputs spend, in
 * input order.
 */
export function sighashesOf(tx: Transaction, prevouts: readonly Prevout[]): Uint8Array[] {
  if (tx.inputsLength !== prevouts.length) {
    throw new RangeError(
      `"prevouts" expected ${tx.inputsLength} entries (one per input), got ${prevouts.length}`,
    );
  }
  for (const [i, p] of prevouts.entries()) {
    const input = tx.getInput(i);
    const txid = input.txid ? hex.encode(input.txid) : '';
    if (txid !== p.txid || input.index !== p.vout) {
      throw new RangeError(
        `"prevouts[${i}]" is ${p.txid}:${p.vout}, input spends ${txid}:${input.index}`,
      );
    }
  }
  const scripts = prevouts.map((p) => p.script);
  const amounts = prevouts.map((p) => p.amount);
  return prevouts.map((_, i) => tx.preimageWitnessV1(i, scripts, SigHash.DEFAULT, amounts));
}

/** BIP341 key-path sighashes of an unsigned transaction given the outputs it spends. */
export function sweepSighashes(unsignedTx: Uint8Array, prevouts: readonly Prevout[]): Uint8Array[] {
  let tx: Transaction;
  try {
    tx = Transaction.fromRaw(unsignedTx, TX_OPTS);
  } catch (e) {
    throw new RangeError(
      `"unsignedTx" is not a transaction: ${e instanceof Error ? e.message : e}`,
    );
  }
  return sighashesOf(tx, prevouts);
}

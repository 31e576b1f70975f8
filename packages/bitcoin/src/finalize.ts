import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import { Transaction } from '@scure/btc-signer';
import { FinalizeError } from './errors.ts';
import { sighashesOf, TX_OPTS } from './sighash.ts';
import type { Prevout } from './types.ts';
import { outputKeyOfScript } from './wallet.ts';

/** A signed, serialised sweep ready for `sendrawtransaction`. */
export type SignedSweep = {
  /** Full transaction with witnesses. */
  tx: Uint8Array;
  hex: string;
  txid: string;
  /** Witness transaction id (display hex). */
  wtxid: string;
  weight: number;
  vsize: number;
};

function sha256d(b: Uint8Array): Uint8Array {
  return sha256(sha256(b));
}

/**
 * Put one 64-byte BIP340 key-path signature (SIGHASH_DEFAULT) in each input's witness and
 * serialise. Every signature is verified against its input's output key and BIP341 sighash
 * first, so a bad aggregate signature is caught here, not by the network.
 */
export function finalizeSweep(
  sweep: { unsignedTx: Uint8Array; prevouts: readonly Prevout[] },
  signatures: readonly Uint8Array[],
): SignedSweep {
  let tx: Transaction;
  try {
    tx = Transaction.fromRaw(sweep.unsignedTx, TX_OPTS);
  } catch (e) {
    throw new FinalizeError('unparseable', `unsigned transaction: ${(e as Error).message}`);
  }
  if (signatures.length !== tx.inputsLength || sweep.prevouts.length !== tx.inputsLength) {
    throw new FinalizeError(
      'input-count',
      `${tx.inputsLength} inputs, ${sweep.prevouts.length} prevouts, ${signatures.length} signatures`,
    );
  }
  const sighashes = sighashesOf(tx, sweep.prevouts);
  for (const [i, sig] of signatures.entries()) {
    const prevout = sweep.prevouts[i]!;
    const outputKey = outputKeyOfScript(prevout.script);
    if (!outputKey) {
      throw new FinalizeError('not-key-path', `input ${i} does not spend a P2TR output`, i);
    }
    if (!(sig instanceof Uint8Array) || sig.length !== 64) {
      throw new FinalizeError('signature-length', `input ${i}: signature must be 64 bytes`, i);
    }
    if (!schnorr.verify(sig, sighashes[i]!, outputKey)) {
      throw new FinalizeError('invalid-signature', `input ${i}: signature does not verify`, i);
    }
  }
  // All prevouts first: once an input carries a signature scure freezes the other inputs.
  for (const [i, p] of sweep.prevouts.entries()) {
    tx.updateInput(i, { witnessUtxo: { script: p.script, amount: p.amount } });
  }
  for (const [i, sig] of signatures.entries()) tx.updateInput(i, { tapKeySig: sig });
  tx.finalize();
  const raw = tx.extract();
  return {
    tx: raw,
    hex: hex.encode(raw),
    txid: tx.id,
    wtxid: hex.encode(sha256d(raw).reverse()),
    weight: tx.weight,
    vsize: tx.vsize,
  };
}

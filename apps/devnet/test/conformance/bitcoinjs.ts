// Spends built and signed with bitcoinjs-lib (and tiny-secp256k1, libsecp256k1 in WASM, for the curve), so the
// conformance tests check the devnet against code nobody here wrote.

import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';

bitcoin.initEccLib(ecc);

export const regtest = bitcoin.networks.regtest;
export { bitcoin };

export type Key = { address: string; output: Uint8Array; signer: bitcoin.Signer };

/** A P2TR key-path key (BIP86-style: the output key is the TapTweak of the internal key). */
export function taprootKey(seed: number): Key & { internalKey: Uint8Array } {
  const secret = new Uint8Array(32).fill(seed);
  const pub = ecc.pointFromScalar(secret, true)!;
  const internalKey = pub.slice(1);
  const even = pub[0] === 0x02 ? secret : ecc.privateNegate(secret);
  const tweaked = ecc.privateAdd(even, bitcoin.crypto.taggedHash('TapTweak', internalKey))!;
  const pay = bitcoin.payments.p2tr({ internalPubkey: internalKey, network: regtest });
  return {
    address: pay.address!,
    output: pay.output!,
    internalKey,
    signer: {
      publicKey: ecc.pointFromScalar(tweaked, true)!,
      sign: (hash) => ecc.sign(hash, tweaked),
      signSchnorr: (hash) => ecc.signSchnorr(hash, tweaked),
    },
  };
}

/** A P2WPKH (segwit v0) key. */
export function segwitKey(seed: number): Key {
  const secret = new Uint8Array(32).fill(seed);
  const publicKey = ecc.pointFromScalar(secret, true)!;
  const pay = bitcoin.payments.p2wpkh({ pubkey: publicKey, network: regtest });
  return {
    address: pay.address!,
    output: pay.output!,
    signer: { publicKey, sign: (hash) => ecc.sign(hash, secret) },
  };
}

export type Spendable = { txid: string; vout: number; value: bigint; key: Key };

/** A signed transaction spending `coins` to `outputs` (amounts in sats). */
export function spend(
  coins: Spendable[],
  outputs: { address?: string; script?: Uint8Array; value: bigint }[],
): bitcoin.Transaction {
  const psbt = new bitcoin.Psbt({ network: regtest });
  for (const coin of coins) {
    const internalKey = (coin.key as { internalKey?: Uint8Array }).internalKey;
    psbt.addInput({
      hash: coin.txid,
      index: coin.vout,
      sequence: 0xfffffffd,
      witnessUtxo: { script: coin.key.output, value: coin.value },
      ...(internalKey ? { tapInternalKey: internalKey } : {}),
    });
  }
  for (const out of outputs) {
    if (out.script) psbt.addOutput({ script: out.script, value: out.value });
    else psbt.addOutput({ address: out.address!, value: out.value });
  }
  coins.forEach((coin, i) => {
    psbt.signInput(i, coin.key.signer);
  });
  psbt.finalizeAllInputs();
  return psbt.extractTransaction(true);
}

/** The wtxid in display order (bitcoinjs gives the hash in internal order). */
export function wtxidOf(tx: bitcoin.Transaction): string {
  return Buffer.from(tx.getHash(true)).reverse().toString('hex');
}

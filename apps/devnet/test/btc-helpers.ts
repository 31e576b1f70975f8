import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { REGTEST_NETWORK } from '@peg/bitcoin';
import { hex } from '@scure/base';
import { OutScript, p2wpkh, SigHash, Transaction } from '@scure/btc-signer';

/** A key whose x-only public key is used directly as the Taproot output key (like a DKG key). */
export function taprootKey(seed: number): {
  secret: Uint8Array;
  xonly: Uint8Array;
  script: Uint8Array;
} {
  const secret = new Uint8Array(32).fill(seed);
  const xonly = schnorr.getPublicKey(secret);
  const script = OutScript.encode({ type: 'tr', pubkey: xonly });
  return { secret, xonly, script };
}

export type Coin = { txid: string; vout: number; script: Uint8Array; amount: bigint };

/** An unsigned spend of `coins` paying `outputs`, with every input's BIP341 sighash. */
export function unsignedSpend(
  coins: Coin[],
  outputs: { script: Uint8Array; amount: bigint }[],
): { tx: Transaction; sighashes: Uint8Array[] } {
  const tx = new Transaction({ allowUnknownOutputs: true });
  for (const c of coins)
    tx.addInput({
      txid: c.txid,
      index: c.vout,
      witnessUtxo: { script: c.script, amount: c.amount },
    });
  for (const o of outputs) tx.addOutput(o);
  const sighashes = coins.map((_, i) =>
    tx.preimageWitnessV1(
      i,
      coins.map((c) => c.script),
      SigHash.DEFAULT,
      coins.map((c) => c.amount),
    ),
  );
  return { tx, sighashes };
}

/** Signs every (key-path P2TR) input with `secret` and returns the raw hex. */
export function signAll(
  coins: Coin[],
  outputs: { script: Uint8Array; amount: bigint }[],
  secret: Uint8Array,
): string {
  const { tx, sighashes } = unsignedSpend(coins, outputs);
  sighashes.forEach((h, i) => {
    tx.updateInput(i, { tapKeySig: schnorr.sign(h, secret) });
  });
  tx.finalize();
  return tx.hex;
}

/** A P2WPKH key and its regtest address. */
export function segwitKey(seed: number): {
  secret: Uint8Array;
  pub: Uint8Array;
  script: Uint8Array;
  address: string;
} {
  const secret = new Uint8Array(32).fill(seed);
  const pub = secp256k1.getPublicKey(secret, true);
  const pay = p2wpkh(pub, REGTEST_NETWORK);
  return { secret, pub, script: pay.script, address: pay.address! };
}

/** Flips one bit of the first witness signature of a raw transaction (keeps it parseable). */
export function tamperSignature(rawHex: string): string {
  const tx = Transaction.fromRaw(hex.decode(rawHex), { allowUnknownOutputs: true });
  const sig = Uint8Array.from(tx.getInput(0).finalScriptWitness![0]!);
  sig[10]! ^= 0x01;
  const raw = Transaction.fromRaw(hex.decode(rawHex), { allowUnknownOutputs: true });
  raw.updateInput(0, { finalScriptWitness: [sig] }, true);
  return raw.hex;
}

// Deterministic keys and recipients shared by the tests.
import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import type { Recipient, WalletUtxo, WithdrawalRequest } from '../src/index.ts';

const enc = new TextEncoder();

export function bytes(label: string, n = 32): Uint8Array {
  return sha256(enc.encode(label)).slice(0, n);
}

/** A valid x-only key derived from a label (a real secp256k1 point). */
export function xOnly(label: string): Uint8Array {
  return schnorr.getPublicKey(bytes(`sk/${label}`));
}

export function txid(label: string): string {
  return hex.encode(bytes(`txid/${label}`));
}

/** One recipient of each sBTC version 0..6. */
export function recipientOf(version: number, label: string): Recipient {
  return version === 6
    ? { version, hashbytes: xOnly(label) }
    : { version, hashbytes: bytes(`hash/${label}`, version <= 4 ? 20 : 32) };
}

export function request(
  id: bigint,
  amount: bigint,
  maxFee: bigint,
  version = 4,
): WithdrawalRequest {
  return { id, amount, maxFee, recipient: recipientOf(version, `r${id}`) };
}

export function utxo(label: string, amount: bigint, outputKey: Uint8Array, vout = 0): WalletUtxo {
  return { txid: txid(label), vout, amount, outputKey };
}

import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { hex } from '@scure/base';

/** Double SHA-256, Bitcoin's hash. */
export function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

/** Hex in bitcoind's display order (reversed bytes) <-> internal byte order. */
export function displayToInternal(display: string): Uint8Array {
  return hex.decode(display).reverse();
}
export function internalToDisplay(bytes: Uint8Array): string {
  return hex.encode(Uint8Array.from(bytes).reverse());
}

/** Merkle root of txids given in display order, returned in display order (BIP-less Core algorithm). */
export function merkleRoot(txids: readonly string[]): string {
  if (txids.length === 0) return '00'.repeat(32);
  let level = txids.map(displayToInternal);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const left = level[i]!;
      const right = level[i + 1] ?? left;
      next.push(sha256d(concatBytes(left, right)));
    }
    level = next;
  }
  return internalToDisplay(level[0]!);
}

/** The regtest difficulty bits, as bitcoind -regtest (`0x207fffff`). */
export const REGTEST_BITS = 0x207fffff;

/** The 80-byte header of a block (version 0x20000000, nonce 0: the ledger does no proof of work). */
export function serializeHeader(prevHash: string, merkle: string, time: number): Uint8Array {
  const out = new Uint8Array(80);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0x20000000, true);
  out.set(displayToInternal(prevHash), 4);
  out.set(displayToInternal(merkle), 36);
  view.setUint32(68, time, true);
  view.setUint32(72, REGTEST_BITS, true);
  view.setUint32(76, 0, true);
  return out;
}

/** A mined block as the ledger keeps it. */
export type Block = {
  height: number;
  /** Display-order hex, as `getblockhash` returns it. */
  hash: string;
  prevHash: string;
  merkleRoot: string;
  time: number;
  txids: string[];
  /** Bytes with witness data. */
  size: number;
  /** Bytes without witness data (Core's `strippedsize`). */
  strippedSize: number;
  weight: number;
};

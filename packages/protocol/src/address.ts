/** The peg wallet's Bitcoin address: P2TR (bech32m, witness v1) of an x-only output key. */
import { hexToBytes } from '@noble/hashes/utils.js';
import { bech32m } from '@scure/base';
import type { Network } from './federation.ts';
import type { Hex } from './hex.ts';

const HRP: Record<Network, string> = { bitcoin: 'bc', testnet: 'tb', regtest: 'bcrt' };

/** The P2TR address of an x-only output key on `network`. */
export function taprootAddress(outputKeyHex: Hex, network: Network): string {
  const words = bech32m.toWords(hexToBytes(outputKeyHex));
  return bech32m.encode(HRP[network], [1, ...words]);
}

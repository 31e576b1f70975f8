import type { BitcoinRpc } from '@peg/bitcoin';
import { type PollOptions, pollForChanges } from './poll.ts';

/** The Bitcoin chain tip as envelopes carry it (`chainTip` of @peg/wire): height, hash in RPC order. */
export type BitcoinTip = { height: number; hash: string };

type TipRpc = Pick<BitcoinRpc, 'getBestBlockHash' | 'getBlock'>;

/**
 * The tip now: `getbestblockhash`, then that block's height (skipped when the hash is `last`'s).
 */
export async function readBitcoinTip(rpc: TipRpc, last?: BitcoinTip): Promise<BitcoinTip> {
  const hash = await rpc.getBestBlockHash();
  if (last?.hash === hash) return last;
  const block = await rpc.getBlock(hash);
  return { height: block.height, hash };
}

/**
 * Follows the Bitcoin tip by polling `getbestblockhash` (as the production sBTC signer does,
 * every 5 s by default): `onTip` gets the first tip and every new one, a reorg to another block
 * of the same height included. Resolves when `signal` aborts.
 */
export function watchBitcoinTip(
  rpc: TipRpc,
  opts: Omit<PollOptions<BitcoinTip>, 'read' | 'same' | 'onChange' | 'intervalMs'> & {
    onTip: (tip: BitcoinTip) => void | Promise<void>;
    intervalMs?: number;
  },
): Promise<void> {
  const { onTip, intervalMs, ...rest } = opts;
  return pollForChanges({
    ...rest,
    intervalMs: intervalMs ?? 5_000,
    read: (last) => readBitcoinTip(rpc, last),
    same: (a, b) => a.hash === b.hash,
    onChange: onTip,
  });
}

/**
 * A signer's own guard against paying a request twice, independent of recognising sweeps on
 * chain: every two sweeps it approves that pay one request must conflict (share an input), so at
 * most one can ever be mined; unless the earlier one is dead: not in any block since it was
 * approved (looked up by txid), and one of its inputs spent on chain (so it never can be).
 */
import type { BitcoinRpc } from '@peg/bitcoin';
import type { DecisionStore } from './decision-store.ts';

/**
 * Why approving `sweep` (for `requests`) could pay one of them twice, or undefined when it
 * cannot.
 */
export async function approvedElsewhere(
  bitcoin: BitcoinRpc,
  decisions: DecisionStore,
  sweep: { txid: string; prevouts: readonly { txid: string; vout: number }[] },
  requests: readonly { id: bigint }[],
): Promise<string | undefined> {
  const inputs = new Set(sweep.prevouts.map((p) => `${p.txid}:${p.vout}`));
  for (const r of requests) {
    for (const earlier of decisions.approvedSweepsOf(r.id)) {
      if (earlier.txid === sweep.txid || earlier.inputs.some((i) => inputs.has(i))) continue;
      const tip = await bitcoin.getBlockCount();
      for (let h = earlier.height; h <= tip; h++) {
        const block = await bitcoin.getBlock(await bitcoin.getBlockHash(h));
        if (block.tx.includes(earlier.txid))
          return `request ${r.id} was paid by sweep ${earlier.txid} in block ${h}`;
      }
      let dead = false;
      for (const i of earlier.inputs) {
        const out = await bitcoin.getTxOut(i.slice(0, 64), Number(i.slice(65)), false);
        if (out === null) {
          dead = true;
          break;
        }
      }
      if (!dead)
        return `request ${r.id} is in sweep ${earlier.txid}, approved earlier, which this one does not conflict with`;
    }
  }
  return undefined;
}

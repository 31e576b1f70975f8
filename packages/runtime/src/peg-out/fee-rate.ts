/**
 * The fee rate a process reads from its own Bitcoin node (`estimatesmartfee`), within the
 * configured bounds. A node without an estimate yet (a fresh regtest) gives the floor.
 */
import { type BitcoinRpc, feeRateFromBtcPerKvb } from '@peg/bitcoin';
import type { PegOutConfig } from './config.ts';

export async function chainFeeRate(rpc: BitcoinRpc, config: PegOutConfig): Promise<number> {
  const estimate = await rpc.estimateSmartFee(config.confTarget);
  const rate =
    estimate.feerate === undefined ? config.minFeeRate : feeRateFromBtcPerKvb(estimate.feerate);
  return Math.min(config.maxFeeRate, Math.max(config.minFeeRate, rate));
}

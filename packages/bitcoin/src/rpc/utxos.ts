import { hex } from '@scure/base';
import type { BtcNetwork } from '../recipient.ts';
import type { WalletUtxo } from '../types.ts';
import { walletAddress, walletScript } from '../wallet.ts';
import type { ScanTxOutSetResult, Unspent } from './schemas.ts';

/**
 * Exact sats from a BTC amount as Bitcoin Core prints it (at most 8 decimals).
 * Throws on a value with sub-satoshi precision, which Core never sends.
 */
export function btcToSats(btc: number): bigint {
  if (!Number.isFinite(btc) || btc < 0) throw new RangeError(`"btc" expected >= 0, got ${btc}`);
  const sats = Math.round(btc * 1e8);
  if (Math.abs(sats - btc * 1e8) > 0.01 + sats * 1e-15) {
    throw new RangeError(`"btc" has more than 8 decimals: ${btc}`);
  }
  return BigInt(sats);
}

/**
 * The wallet UTXOs for output key Q among `listunspent` or `scantxoutset` entries: those whose
 * scriptPubKey is exactly `OP_1 <Q>`, with amounts in sats.
 */
export function walletUtxosFrom(
  entries: readonly (Unspent | ScanTxOutSetResult['unspents'][number])[],
  outputKey: Uint8Array,
): WalletUtxo[] {
  const script = hex.encode(walletScript(outputKey));
  return entries
    .filter((e) => e.scriptPubKey === script)
    .map((e) => ({ txid: e.txid, vout: e.vout, amount: btcToSats(e.amount), outputKey }));
}

/** `addr(<bech32m address>)`: the scantxoutset descriptor of the wallet with output key Q. */
export function walletDescriptor(outputKey: Uint8Array, network: BtcNetwork): string {
  return `addr(${walletAddress(outputKey, network)})`;
}

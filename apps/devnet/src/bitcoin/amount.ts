import { MAX_MONEY } from '@peg/bitcoin';
import { Decimal } from '@scure/btc-signer';
import { RPC_TYPE_ERROR, RpcError } from './errors.ts';

/** Satoshis to the BTC number bitcoind puts in JSON (8 decimals). */
export function toBtc(sats: bigint): number {
  return Number(Decimal.encode(sats));
}

/** A BTC amount from JSON (number or decimal string) to satoshis, exactly, or an RPC type error. */
export function fromBtc(value: unknown): bigint {
  // A JSON number with sub-satoshi precision is refused, as bitcoind does, not rounded.
  if (typeof value === 'number' && Number.isFinite(value)) {
    const scaled = value * 1e8;
    if (Math.abs(scaled - Math.round(scaled)) > 1e-6)
      throw new RpcError(RPC_TYPE_ERROR, 'Invalid amount');
  }
  const text = typeof value === 'number' ? value.toFixed(8) : value;
  if (typeof text !== 'string' || !/^\d+(\.\d{1,8})?$/.test(text)) {
    throw new RpcError(RPC_TYPE_ERROR, 'Invalid amount');
  }
  const sats = Decimal.decode(text);
  if (sats <= 0n || sats > MAX_MONEY) throw new RpcError(RPC_TYPE_ERROR, 'Amount out of range');
  return sats;
}

import { MAX_MONEY } from '@peg/bitcoin';
import { hex } from '@scure/base';
import { RawTx } from '@scure/btc-signer';
import type { Block } from './block.ts';
import { RPC_INVALID_PARAMETER, RPC_TYPE_ERROR, RpcError } from './errors.ts';
import { type Ledger, subsidy } from './ledger.ts';
import { measureTx } from './tx-facts.ts';

// Core's PER_UTXO_OVERHEAD: outpoint (36) + height/coinbase (4) + a bool (1).
const PER_UTXO_OVERHEAD = 41;
const MAX_BLOCK_SERIALIZED_SIZE = 4_000_000;

const serializedOutputSize = (script: Uint8Array) =>
  8 + (script.length < 0xfd ? 1 : script.length <= 0xffff ? 3 : 5) + script.length;

/** Median of integers, halves truncated (Core's CalculateTruncatedMedian); 0 when empty. */
function truncatedMedian(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? Math.floor((sorted[mid - 1]! + sorted[mid]!) / 2) : sorted[mid]!;
}

/** Fee rates at the 10th, 25th, 50th, 75th and 90th percentile of weight (Core's method). */
function percentilesByWeight(scores: [number, number][], totalWeight: number): number[] {
  const result = [0, 0, 0, 0, 0];
  if (scores.length === 0) return result;
  const sorted = [...scores].sort((a, b) => a[0] - b[0]);
  const marks = [
    totalWeight / 10,
    totalWeight / 4,
    totalWeight / 2,
    (totalWeight * 3) / 4,
    (totalWeight * 9) / 10,
  ];
  let next = 0;
  let cumulative = 0;
  for (const [rate, weight] of sorted) {
    cumulative += weight;
    while (next < 5 && cumulative >= marks[next]!) result[next++] = rate;
  }
  for (; next < 5; next++) result[next] = sorted[sorted.length - 1]![0];
  return result;
}

/** Every statistic of Core's `getblockstats` for one block; amounts in satoshis, as Core gives them. */
export function blockStats(ledger: Ledger, block: Block): Record<string, unknown> {
  let inputs = 0;
  let outputs = 0;
  let utxos = 0;
  let totalOut = 0n;
  let totalSize = 0;
  let totalWeight = 0;
  let totalFee = 0n;
  let swTxs = 0;
  let swSize = 0;
  let swWeight = 0;
  let utxoSizeInc = 0;
  let utxoSizeIncActual = 0;
  let maxFee = 0n;
  let minFee = MAX_MONEY;
  let maxFeeRate = 0;
  let minFeeRate = Number(MAX_MONEY);
  let maxTxSize = 0;
  let minTxSize = MAX_BLOCK_SERIALIZED_SIZE;
  const fees: number[] = [];
  const sizes: number[] = [];
  const feeRates: [number, number][] = [];

  block.txids.forEach((txid, index) => {
    const rawHex = ledger.transaction(txid)!.hex;
    const raw = RawTx.decode(hex.decode(rawHex));
    outputs += raw.outputs.length;
    let txOut = 0n;
    for (const out of raw.outputs) {
      txOut += out.amount;
      const size = serializedOutputSize(out.script) + PER_UTXO_OVERHEAD;
      utxoSizeInc += size;
      // Genesis outputs do not enter Core's UTXO set; OP_RETURN outputs never do.
      if (block.height === 0 || out.script[0] === 0x6a) continue;
      utxos++;
      utxoSizeIncActual += size;
    }
    if (index === 0) return; // the coinbase: no fee, no size statistics
    inputs += raw.inputs.length;
    totalOut += txOut;
    const size = rawHex.length / 2;
    const weight = measureTx(raw).weight;
    sizes.push(size);
    maxTxSize = Math.max(maxTxSize, size);
    minTxSize = Math.min(minTxSize, size);
    totalSize += size;
    totalWeight += weight;
    if (raw.segwitFlag) {
      swTxs++;
      swSize += size;
      swWeight += weight;
    }
    let txIn = 0n;
    for (const input of raw.inputs) {
      const prevout = ledger.previousOutput(hex.encode(input.txid), input.index)!;
      txIn += prevout.amount;
      const size = serializedOutputSize(prevout.script) + PER_UTXO_OVERHEAD;
      utxoSizeInc -= size;
      utxoSizeIncActual -= size;
    }
    const fee = txIn - txOut;
    fees.push(Number(fee));
    if (fee > maxFee) maxFee = fee;
    if (fee < minFee) minFee = fee;
    totalFee += fee;
    // sat/vB, truncated, from the weight (Core: fee * 4 / weight)
    const rate = weight ? Number((fee * 4n) / BigInt(weight)) : 0;
    feeRates.push([rate, weight]);
    maxFeeRate = Math.max(maxFeeRate, rate);
    minFeeRate = Math.min(minFeeRate, rate);
  });

  const others = block.txids.length - 1;
  return {
    avgfee: others > 0 ? Number(totalFee / BigInt(others)) : 0,
    avgfeerate: totalWeight ? Number((totalFee * 4n) / BigInt(totalWeight)) : 0,
    avgtxsize: others > 0 ? Math.floor(totalSize / others) : 0,
    blockhash: block.hash,
    feerate_percentiles: percentilesByWeight(feeRates, totalWeight),
    height: block.height,
    ins: inputs,
    maxfee: Number(maxFee),
    maxfeerate: maxFeeRate,
    maxtxsize: maxTxSize,
    medianfee: truncatedMedian(fees),
    mediantime: block.time,
    mediantxsize: truncatedMedian(sizes),
    minfee: minFee === MAX_MONEY ? 0 : Number(minFee),
    minfeerate: minFeeRate === Number(MAX_MONEY) ? 0 : minFeeRate,
    mintxsize: minTxSize === MAX_BLOCK_SERIALIZED_SIZE ? 0 : minTxSize,
    outs: outputs,
    subsidy: Number(subsidy(block.height)),
    swtotal_size: swSize,
    swtotal_weight: swWeight,
    swtxs: swTxs,
    time: block.time,
    total_out: Number(totalOut),
    total_size: totalSize,
    total_weight: totalWeight,
    totalfee: Number(totalFee),
    txs: block.txids.length,
    utxo_increase: outputs - inputs,
    utxo_size_inc: utxoSizeInc,
    utxo_increase_actual: utxos - inputs,
    utxo_size_inc_actual: utxoSizeIncActual,
  };
}

/** `getblockstats`, optionally narrowed to `stats` (Core's error for an unknown statistic). */
export function selectStats(all: Record<string, unknown>, stats: unknown): Record<string, unknown> {
  if (stats === undefined || stats === null) return all;
  if (!Array.isArray(stats)) throw new RpcError(RPC_TYPE_ERROR, 'stats must be an array');
  if (stats.length === 0) return all;
  const picked: Record<string, unknown> = {};
  for (const name of stats) {
    if (typeof name !== 'string' || !Object.hasOwn(all, name))
      throw new RpcError(RPC_INVALID_PARAMETER, `Invalid selected statistic '${String(name)}'`);
    picked[name] = all[name];
  }
  return picked;
}

/**
 * The federation's sweeps as the chain shows them: every transaction in the mempool or in a
 * block from a given height that has the sweep layout (`readSweep`), sends its change to a
 * wallet key and spends only wallet outputs. This is how a coordinator finds a sweep it (or
 * another coordinator) made before it builds another, and how a signer refuses to pay a request
 * twice: from the chain, never from a coordinator's word.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  type BitcoinRpc,
  btcToSats,
  outputKeyOfScript,
  readSweep,
  type SweepReading,
} from '@peg/bitcoin';

/** A spent output of a sweep. */
export type SweepInput = { txid: string; vout: number; amount: bigint; outputKey: string };

/** A sweep seen on chain. */
export type SeenSweep = {
  txid: string;
  /** The transaction as relayed (with witnesses). */
  hex: string;
  reading: SweepReading;
  ids: bigint[];
  inputs: SweepInput[];
  /** x-only output key the change goes to. */
  changeOutputKey: string;
  fee: bigint;
  /** The block that holds it; undefined while in the mempool. */
  block: { hash: string; height: number } | undefined;
};

/** What `scan` found: sweeps in blocks (oldest first), and in the mempool. */
export type SweepScan = { confirmed: SeenSweep[]; mempool: SeenSweep[]; tipHeight: number };

/** A `getblock 3` input (the coinbase has no prevout). */
type PrevoutInput = {
  txid?: string;
  vout?: number;
  prevout?: { value: number; scriptPubKey: { hex: string } };
};

const MAX_CACHED_BLOCKS = 4_096;
const MAX_CACHED_MEMPOOL = 8_192;

/** Reads `hex` as a sweep of ours, or undefined. */
function asSweep(
  hex: string,
  inputs: (SweepInput | undefined)[],
  walletKeys: ReadonlySet<string>,
  block: SeenSweep['block'],
): SeenSweep | undefined {
  let reading: SweepReading;
  try {
    reading = readSweep(hex);
  } catch {
    return undefined;
  }
  const changeOutputKey = bytesToHex(reading.change.outputKey);
  if (!walletKeys.has(changeOutputKey) || reading.ids.length === 0) return undefined;
  if (inputs.length === 0 || inputs.some((i) => i === undefined || !walletKeys.has(i.outputKey)))
    return undefined;
  const spent = inputs as SweepInput[];
  const out = reading.change.amount + reading.withdrawals.reduce((s, w) => s + w.amount, 0n);
  return {
    txid: reading.txid,
    hex,
    reading,
    ids: [...reading.ids],
    inputs: spent,
    changeOutputKey,
    fee: spent.reduce((s, i) => s + i.amount, 0n) - out,
    block,
  };
}

const keyOfScript = (scriptHex: string): string | undefined => {
  const k = outputKeyOfScript(hexToBytes(scriptHex));
  return k === undefined ? undefined : bytesToHex(k);
};

/**
 * Scans the chain for sweeps. Blocks are read once each (`getblock` verbosity 3, which carries
 * every input's prevout) and kept by hash; mempool transactions by txid while they stay there.
 */
export class SweepScanner {
  readonly #rpc: BitcoinRpc;
  /** By block hash: every sweep-shaped transaction of the block, with its inputs. */
  readonly #blocks = new Map<
    string,
    { height: number; txs: { hex: string; inputs: (SweepInput | undefined)[] }[] }
  >();
  readonly #mempool = new Map<string, { hex: string; inputs: (SweepInput | undefined)[] } | null>();

  constructor(rpc: BitcoinRpc) {
    this.#rpc = rpc;
  }

  /**
   * Sweeps paying to or from `walletKeys` (x-only output keys, hex) in blocks `fromHeight..tip`
   * and in the mempool.
   */
  async scan(walletKeys: ReadonlySet<string>, fromHeight: number): Promise<SweepScan> {
    const tipHeight = await this.#rpc.getBlockCount();
    const confirmed: SeenSweep[] = [];
    for (let h = Math.max(0, fromHeight); h <= tipHeight; h++) {
      const hash = await this.#rpc.getBlockHash(h);
      const block = await this.#block(hash);
      for (const tx of block.txs) {
        const s = asSweep(tx.hex, tx.inputs, walletKeys, { hash, height: block.height });
        if (s !== undefined) confirmed.push(s);
      }
    }
    const mempool: SeenSweep[] = [];
    const txids = await this.#rpc.getRawMempool();
    const live = new Set(txids);
    for (const txid of this.#mempool.keys()) if (!live.has(txid)) this.#mempool.delete(txid);
    for (const txid of txids) {
      const tx = await this.#mempoolTx(txid);
      if (tx === null) continue;
      const s = asSweep(tx.hex, tx.inputs, walletKeys, undefined);
      if (s !== undefined) mempool.push(s);
    }
    return { confirmed, mempool, tipHeight };
  }

  async #block(hash: string) {
    const cached = this.#blocks.get(hash);
    if (cached !== undefined) return cached;
    const b = await this.#rpc.getBlockWithPrevouts(hash);
    const txs: { hex: string; inputs: (SweepInput | undefined)[] }[] = [];
    for (const tx of b.tx) {
      // Output 1 of a sweep is an OP_RETURN: skip the rest without parsing them.
      if (!tx.vout[1]?.scriptPubKey.hex.startsWith('6a')) continue;
      const inputs = tx.vin.map((vin): SweepInput | undefined => {
        const i = vin as PrevoutInput;
        if (i.prevout === undefined || i.txid === undefined || i.vout === undefined)
          return undefined;
        const outputKey = keyOfScript(i.prevout.scriptPubKey.hex);
        if (outputKey === undefined) return undefined;
        return { txid: i.txid, vout: i.vout, amount: btcToSats(i.prevout.value), outputKey };
      });
      txs.push({ hex: tx.hex, inputs });
    }
    const entry = { height: b.height, txs };
    this.#blocks.set(hash, entry);
    if (this.#blocks.size > MAX_CACHED_BLOCKS)
      this.#blocks.delete(this.#blocks.keys().next().value as string);
    return entry;
  }

  async #mempoolTx(txid: string) {
    if (this.#mempool.has(txid)) return this.#mempool.get(txid)!;
    let entry: { hex: string; inputs: (SweepInput | undefined)[] } | null = null;
    try {
      const hex = await this.#rpc.getRawTransaction(txid);
      const reading = readSweep(hex);
      const inputs: (SweepInput | undefined)[] = [];
      for (const outpoint of reading.inputs) {
        const [prevTxid, vout] = [outpoint.slice(0, 64), Number(outpoint.slice(65))];
        inputs.push(await this.#spentOutput(prevTxid, vout));
      }
      entry = { hex, inputs };
    } catch {
      entry = null; // not a sweep, or gone from the mempool meanwhile
    }
    this.#mempool.set(txid, entry);
    if (this.#mempool.size > MAX_CACHED_MEMPOOL)
      this.#mempool.delete(this.#mempool.keys().next().value as string);
    return entry;
  }

  /** The output a mempool transaction spends: confirmed (`gettxout` without the mempool) or a mempool parent's. */
  async #spentOutput(txid: string, vout: number): Promise<SweepInput | undefined> {
    const out = await this.#rpc.getTxOut(txid, vout, false);
    if (out !== null) {
      const outputKey = keyOfScript(out.scriptPubKey.hex);
      return outputKey === undefined
        ? undefined
        : { txid, vout, amount: btcToSats(out.value), outputKey };
    }
    const parent = await this.#rpc.getRawTransactionVerbose(txid).catch(() => undefined);
    const o = parent?.vout[vout];
    if (o === undefined) return undefined;
    const outputKey = keyOfScript(o.scriptPubKey.hex);
    return outputKey === undefined
      ? undefined
      : { txid, vout, amount: btcToSats(o.value), outputKey };
  }
}

import { schnorr } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { MAX_MONEY, MAX_STANDARD_TX_WEIGHT, REGTEST_NETWORK } from '@peg/bitcoin';
import { hex } from '@scure/base';
import { Decimal, p2tr, RawTx, Script, ScriptNum, Transaction } from '@scure/btc-signer';
import { type Block, internalToDisplay, merkleRoot, serializeHeader, sha256d } from './block.ts';
import {
  RPC_DESERIALIZATION_ERROR,
  RPC_INVALID_PARAMETER,
  RPC_MISC_ERROR,
  RPC_VERIFY_ALREADY_IN_CHAIN,
  RPC_VERIFY_ERROR,
  RPC_VERIFY_REJECTED,
  RpcError,
} from './errors.ts';
import { measureTx, txidOf } from './tx-facts.ts';
import { type Prevout, verifyInput } from './verify.ts';

/** A spendable output. `coinbase` outputs mature after {@link COINBASE_MATURITY} blocks. */
export type Utxo = {
  txid: string;
  vout: number;
  script: Uint8Array;
  amount: bigint;
  /** Height of the block that confirmed it; undefined while in the mempool. */
  height: number | undefined;
  coinbase: boolean;
};

/** What a transaction accepted into the mempool (or `testmempoolaccept`) reports. */
export type Acceptance = {
  txid: string;
  wtxid: string;
  vsize: number;
  /** BIP141 weight: 3 x the size without witness data + the full size. */
  weight: number;
  fee: bigint;
  /** Mempool transactions it replaces (conflicts and their descendants), if any. */
  replaces?: string[];
};

type MempoolEntry = Acceptance & { hex: string; raw: RawTxData; time: number; height: number };

/** A mempool transaction as `getmempoolentry` describes it. */
export type MempoolView = Acceptance & {
  /** Unix seconds it entered the mempool. */
  time: number;
  /** Chain height when it entered the mempool. */
  height: number;
  /** Size in bytes of its serialization with witnesses. */
  size: number;
  /** Mempool transactions it spends outputs of. */
  depends: string[];
  /** Mempool transactions spending its outputs. */
  spentby: string[];
  /** Whether it signals BIP125 replaceability itself (an input's nSequence below 0xfffffffe). */
  signalsRbf: boolean;
};
type RawTxData = ReturnType<typeof RawTx.decode>;
type TxRecord = { hex: string; blockHash: string | undefined };

export const COINBASE_MATURITY = 100;
/** Core's -incrementalrelayfee (1 sat/vB): what a replacement must add on top of what it evicts. */
export const INCREMENTAL_RELAY_FEE = 1n;
/** Core's MAX_REPLACEMENT_CANDIDATES. */
export const MAX_REPLACEMENTS = 100;
/** Satoshis the built-in faucet starts with (in the genesis block, exempt from maturity). */
export const FAUCET_ALLOCATION = 1_000_000n * 100_000_000n;

// A fixed, publicly known devnet key: anyone may spend the faucet's coins, which is the point.
const FAUCET_SECRET = sha256(utf8ToBytes('peg devnet bitcoin faucet'));
const FAUCET = p2tr(schnorr.getPublicKey(FAUCET_SECRET), undefined, REGTEST_NETWORK);
const NULL_TXID = '00'.repeat(32);

export type LedgerOptions = {
  /** Clock in unix seconds (block times, mempool times). */
  now?: () => number;
  /**
   * The block hash (display order) for a new block. Default: the double SHA-256 of its 80-byte
   * header, like Bitcoin. The devnet passes the Stacks simnet's burn header hash for that height
   * instead, so that Clarity's `get-burn-block-info?` agrees with this ledger.
   */
  blockHash?: (height: number, header: Uint8Array) => string;
};

const key = (txid: string, vout: number) => `${txid}:${vout}`;

/**
 * A regtest-like Bitcoin ledger: a UTXO set, a mempool and a chain of blocks, with the checks
 * listed in the package README (inputs exist and are unspent, no mempool double spend, amounts
 * balance, P2TR key-path and P2WPKH signatures valid). It is not consensus-complete and does no
 * proof of work; see the README for what it does not check.
 */
export class Ledger {
  readonly blocks: Block[] = [];
  private readonly utxos = new Map<string, Utxo>();
  private readonly mempool = new Map<string, MempoolEntry>();
  /** Outpoint -> txid of the mempool transaction spending it. */
  private readonly mempoolSpends = new Map<string, string>();
  private readonly txs = new Map<string, TxRecord>();
  private readonly now: () => number;
  private readonly blockHashOf: (height: number, header: Uint8Array) => string;

  constructor(options: LedgerOptions = {}) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.blockHashOf = options.blockHash ?? ((_h, header) => internalToDisplay(sha256d(header)));
  }

  /** The built-in faucet's address (a P2TR key-path output of a public devnet key). */
  static get faucetAddress(): string {
    return FAUCET.address!;
  }

  static get faucetScriptHex(): string {
    return hex.encode(FAUCET.script);
  }

  /** Creates the genesis block (its coinbase funds the faucet) and empty blocks up to `height`. */
  genesis(height = 0, time = this.now()): void {
    if (this.blocks.length > 0) throw new Error('ledger already has a genesis block');
    this.mineBlock(FAUCET.script, time, FAUCET_ALLOCATION);
    while (this.height < height) this.mineBlock(FAUCET.script, time);
  }

  get height(): number {
    return this.blocks.length - 1;
  }

  get tip(): Block {
    const tip = this.blocks[this.blocks.length - 1];
    if (!tip) throw new Error('ledger has no genesis block');
    return tip;
  }

  blockByHash(hash: string): Block | undefined {
    return this.blocks.find((b) => b.hash === hash);
  }

  /** Validates a raw transaction against the chain and the mempool without accepting it. */
  check(rawHex: string): Acceptance & { raw: RawTxData } {
    const { raw, tx } = decodeRawTx(rawHex);
    const { txid, wtxid, vsize, weight } = measureTx(raw);
    if (this.mempool.has(txid)) throw new RpcError(RPC_VERIFY_REJECTED, 'txn-already-in-mempool');
    const known = this.txs.get(txid);
    if (known?.blockHash !== undefined) {
      // Current Core's text (TransactionError::ALREADY_IN_UTXO_SET); older releases said
      // "Transaction already in block chain". Same code, -27.
      throw new RpcError(RPC_VERIFY_ALREADY_IN_CHAIN, 'Transaction outputs already in utxo set');
    }
    if (raw.inputs.length === 0) throw new RpcError(RPC_VERIFY_REJECTED, 'bad-txns-vin-empty');
    if (raw.outputs.length === 0) throw new RpcError(RPC_VERIFY_REJECTED, 'bad-txns-vout-empty');
    if (weight > MAX_STANDARD_TX_WEIGHT) throw new RpcError(RPC_VERIFY_REJECTED, 'tx-size');

    let outTotal = 0n;
    for (const out of raw.outputs) {
      if (out.amount < 0n) throw new RpcError(RPC_VERIFY_REJECTED, 'bad-txns-vout-negative');
      if (out.amount > MAX_MONEY) throw new RpcError(RPC_VERIFY_REJECTED, 'bad-txns-vout-toolarge');
      outTotal += out.amount;
    }
    if (outTotal > MAX_MONEY)
      throw new RpcError(RPC_VERIFY_REJECTED, 'bad-txns-txouttotal-toolarge');

    const seen = new Set<string>();
    const conflicts = new Set<string>();
    const unconfirmedParents = new Set<string>();
    const prevouts: Prevout[] = [];
    let inTotal = 0n;
    for (const input of raw.inputs) {
      const txidHex = hex.encode(input.txid);
      if (txidHex === NULL_TXID) throw new RpcError(RPC_VERIFY_REJECTED, 'coinbase');
      const outpoint = key(txidHex, input.index);
      if (seen.has(outpoint)) throw new RpcError(RPC_VERIFY_REJECTED, 'bad-txns-inputs-duplicate');
      seen.add(outpoint);
      const conflict = this.mempoolSpends.get(outpoint);
      if (conflict !== undefined) conflicts.add(conflict);
      const confirmed = this.utxos.get(outpoint);
      if (!confirmed && this.mempool.has(txidHex)) unconfirmedParents.add(txidHex);
      const coin = confirmed ?? this.mempoolOutput(txidHex, input.index);
      if (!coin) throw new RpcError(RPC_VERIFY_ERROR, 'bad-txns-inputs-missingorspent');
      if (
        coin.coinbase &&
        coin.height !== undefined &&
        this.height + 1 - coin.height < COINBASE_MATURITY
      ) {
        throw new RpcError(RPC_VERIFY_REJECTED, 'bad-txns-premature-spend-of-coinbase');
      }
      prevouts.push({ script: coin.script, amount: coin.amount });
      inTotal += coin.amount;
    }
    if (inTotal < outTotal) throw new RpcError(RPC_VERIFY_REJECTED, 'bad-txns-in-belowout');

    for (let i = 0; i < raw.inputs.length; i++) {
      const reason = verifyInput(tx, i, prevouts);
      if (reason !== undefined) throw new RpcError(RPC_VERIFY_REJECTED, reason);
    }
    const fee = inTotal - outTotal;
    const accepted = { txid, wtxid, vsize, weight, fee, raw };
    if (conflicts.size === 0) return accepted;
    const replaces = this.replacement(txid, fee, vsize, conflicts, unconfirmedParents);
    return { ...accepted, replaces };
  }

  /**
   * Core's replace-by-fee rules (full RBF, the default since v28; BIP125 rules 2-6 without the
   * signalling requirement). Returns every mempool transaction the replacement evicts.
   */
  private replacement(
    txid: string,
    fee: bigint,
    vsize: number,
    conflicts: ReadonlySet<string>,
    unconfirmedParents: ReadonlySet<string>,
  ): string[] {
    const evict = new Set(conflicts);
    for (let grew = true; grew; ) {
      grew = false;
      for (const entry of this.mempool.values()) {
        if (evict.has(entry.txid)) continue;
        if (entry.raw.inputs.some((i) => evict.has(hex.encode(i.txid)))) {
          evict.add(entry.txid);
          grew = true;
        }
      }
    }
    if (evict.size > MAX_REPLACEMENTS) {
      throw new RpcError(RPC_VERIFY_REJECTED, `too many potential replacements (${evict.size})`);
    }
    const originalParents = new Set<string>();
    for (const c of conflicts) {
      for (const i of this.mempool.get(c)!.raw.inputs) originalParents.add(hex.encode(i.txid));
    }
    for (const parent of unconfirmedParents) {
      if (evict.has(parent))
        throw new RpcError(RPC_VERIFY_REJECTED, 'bad-txns-spends-conflicting-tx');
      if (!originalParents.has(parent))
        throw new RpcError(RPC_VERIFY_REJECTED, 'replacement-adds-unconfirmed');
    }
    for (const c of conflicts) {
      const old = this.mempool.get(c)!;
      // new fee / new vsize > old fee / old vsize, compared without division
      if (fee * BigInt(old.vsize) <= old.fee * BigInt(vsize)) {
        throw new RpcError(
          RPC_VERIFY_REJECTED,
          `insufficient fee, rejecting replacement ${txid}; new feerate ${feeRateText(fee, vsize)} <= old feerate ${feeRateText(old.fee, old.vsize)}`,
        );
      }
    }
    const evictedFees = [...evict].reduce((sum, id) => sum + this.mempool.get(id)!.fee, 0n);
    if (fee < evictedFees) {
      throw new RpcError(
        RPC_VERIFY_REJECTED,
        `insufficient fee, rejecting replacement ${txid}, less fees than conflicting txs; ${Decimal.encode(fee)} < ${Decimal.encode(evictedFees)}`,
      );
    }
    const relay = BigInt(vsize) * INCREMENTAL_RELAY_FEE;
    if (fee - evictedFees < relay) {
      throw new RpcError(
        RPC_VERIFY_REJECTED,
        `insufficient fee, rejecting replacement ${txid}, not enough additional fees to relay; ${Decimal.encode(fee - evictedFees)} < ${Decimal.encode(relay)}`,
      );
    }
    return [...evict];
  }

  /** `sendrawtransaction`: validates, then adds to the mempool. */
  submit(rawHex: string): Acceptance {
    const { raw, ...acceptance } = this.check(rawHex);
    for (const evicted of acceptance.replaces ?? []) this.evict(evicted);
    const normalized = rawHex.toLowerCase();
    this.mempool.set(acceptance.txid, {
      ...acceptance,
      hex: normalized,
      raw,
      time: this.now(),
      height: this.height,
    });
    for (const input of raw.inputs) {
      this.mempoolSpends.set(key(hex.encode(input.txid), input.index), acceptance.txid);
    }
    this.txs.set(acceptance.txid, { hex: normalized, blockHash: undefined });
    return acceptance;
  }

  /** Drops a replaced transaction from the mempool (like Core, the node then forgets it). */
  private evict(txid: string): void {
    const entry = this.mempool.get(txid);
    if (!entry) return;
    this.mempool.delete(txid);
    for (const input of entry.raw.inputs) {
      const outpoint = key(hex.encode(input.txid), input.index);
      if (this.mempoolSpends.get(outpoint) === txid) this.mempoolSpends.delete(outpoint);
    }
    this.txs.delete(txid);
  }

  /** Mines one block paying subsidy + fees to `script`, confirming the whole mempool. */
  mineBlock(script: Uint8Array, time = this.now(), extraSubsidy = 0n): Block {
    const height = this.blocks.length;
    const entries = [...this.mempool.values()];
    const fees = entries.reduce((sum, e) => sum + e.fee, 0n);
    const coinbaseHex = coinbase(height, script, subsidy(height) + fees + extraSubsidy);
    const txids = [txidOf(coinbaseHex), ...entries.map((e) => e.txid)];
    const prevHash = this.blocks[height - 1]?.hash ?? NULL_TXID;
    const merkle = merkleRoot(txids);
    const blockTime = Math.max(time, this.blocks[height - 1]?.time ?? 0);
    const hash = this.blockHashOf(height, serializeHeader(prevHash, merkle, blockTime));
    const hexes = [coinbaseHex, ...entries.map((e) => e.hex)];
    // Header and transaction count, then each transaction: with witnesses for `size`, without
    // for `strippedSize`; weight = 3 x stripped + full (BIP141), the same sum per transaction.
    const frame = 80 + compactSizeLength(hexes.length);
    const size = frame + hexes.reduce((s, h) => s + h.length / 2, 0);
    const weight = entries.reduce((w, e) => w + e.weight, (frame + coinbaseHex.length / 2) * 4);
    const strippedSize = (weight - size) / 3;
    const block: Block = {
      height,
      hash,
      prevHash,
      merkleRoot: merkle,
      time: blockTime,
      txids,
      size,
      strippedSize,
      weight,
    };
    this.blocks.push(block);

    this.applyTx(coinbaseHex, txids[0]!, height, true);
    this.txs.set(txids[0]!, { hex: coinbaseHex, blockHash: hash });
    for (const entry of entries) {
      this.applyTx(entry.hex, entry.txid, height, false);
      this.txs.set(entry.txid, { hex: entry.hex, blockHash: hash });
    }
    this.mempool.clear();
    this.mempoolSpends.clear();
    return block;
  }

  private applyTx(rawHex: string, txid: string, height: number, isCoinbase: boolean): void {
    const raw = RawTx.decode(hex.decode(rawHex));
    if (!isCoinbase) {
      for (const input of raw.inputs) this.utxos.delete(key(hex.encode(input.txid), input.index));
    }
    raw.outputs.forEach((out, vout) => {
      // OP_RETURN outputs are provably unspendable and never enter the UTXO set.
      if (out.script[0] === 0x6a) return;
      // The genesis allocation (height 0) is exempt from coinbase maturity: it funds the faucet.
      const coinbase = isCoinbase && height > 0;
      this.utxos.set(key(txid, vout), {
        txid,
        vout,
        script: out.script,
        amount: out.amount,
        height,
        coinbase,
      });
    });
  }

  private mempoolOutput(txid: string, vout: number): Utxo | undefined {
    const entry = this.mempool.get(txid);
    const out = entry?.raw.outputs[vout];
    if (!out || out.script[0] === 0x6a) return undefined;
    return {
      txid,
      vout,
      script: out.script,
      amount: out.amount,
      height: undefined,
      coinbase: false,
    };
  }

  /**
   * The confirmed UTXO set's outputs paying `script`, as `scantxoutset` sees it: outputs spent
   * only by a mempool transaction are still in it.
   */
  utxoSet(script: Uint8Array): Utxo[] {
    const want = hex.encode(script);
    return [...this.utxos.values()].filter((u) => hex.encode(u.script) === want);
  }

  /**
   * Outputs paying `script` that nothing spends, not even the mempool (a wallet's view, as
   * `listunspent`): confirmed ones, plus unconfirmed ones when `includeMempool`.
   */
  unspent(script: Uint8Array, includeMempool = false): Utxo[] {
    const want = hex.encode(script);
    const found = [...this.utxos.values()].filter(
      (u) => hex.encode(u.script) === want && !this.mempoolSpends.has(key(u.txid, u.vout)),
    );
    if (includeMempool) {
      for (const entry of this.mempool.values()) {
        entry.raw.outputs.forEach((out, vout) => {
          if (hex.encode(out.script) !== want || this.mempoolSpends.has(key(entry.txid, vout)))
            return;
          found.push({
            txid: entry.txid,
            vout,
            script: out.script,
            amount: out.amount,
            height: undefined,
            coinbase: false,
          });
        });
      }
    }
    return found;
  }

  /** A confirmed or mempool output that is still unspent (`gettxout`). */
  txOut(txid: string, vout: number, includeMempool: boolean): Utxo | undefined {
    const outpoint = key(txid, vout);
    if (includeMempool && this.mempoolSpends.has(outpoint)) return undefined;
    return (
      this.utxos.get(outpoint) ?? (includeMempool ? this.mempoolOutput(txid, vout) : undefined)
    );
  }

  /**
   * The output `vout` of a known transaction, spent or not, with the height of its block
   * (undefined in the mempool): what Core's undo data gives for a block's inputs.
   */
  previousOutput(txid: string, vout: number): Utxo | undefined {
    const record = this.txs.get(txid);
    const out = record && RawTx.decode(hex.decode(record.hex)).outputs[vout];
    if (!record || !out) return undefined;
    const height = record.blockHash ? this.blockByHash(record.blockHash)?.height : undefined;
    const coinbase = height !== undefined && height > 0 && this.blocks[height]!.txids[0] === txid;
    return { txid, vout, script: out.script, amount: out.amount, height, coinbase };
  }

  /** A known transaction (confirmed or in the mempool) and the hash of its block. */
  transaction(txid: string): TxRecord | undefined {
    return this.txs.get(txid);
  }

  mempoolTxids(): string[] {
    return [...this.mempool.keys()];
  }

  mempoolEntry(txid: string): MempoolView | undefined {
    const entry = this.mempool.get(txid);
    if (!entry) return undefined;
    const depends = [
      ...new Set(
        entry.raw.inputs.map((i) => hex.encode(i.txid)).filter((p) => this.mempool.has(p)),
      ),
    ];
    const spentby = [
      ...new Set(
        [...this.mempoolSpends]
          .filter(([outpoint]) => outpoint.startsWith(`${txid}:`))
          .map(([, spender]) => spender),
      ),
    ];
    return {
      txid: entry.txid,
      wtxid: entry.wtxid,
      vsize: entry.vsize,
      weight: entry.weight,
      fee: entry.fee,
      time: entry.time,
      height: entry.height,
      size: entry.hex.length / 2,
      depends,
      spentby,
      signalsRbf: entry.raw.inputs.some((i) => i.sequence < 0xfffffffe),
    };
  }

  /**
   * Builds, signs and submits a transaction from the faucet's coins to `script`. The faucet's
   * key is public, so this is an ordinary transaction that goes through {@link submit}.
   */
  faucet(script: Uint8Array, amount: bigint, feeRate = 2n): Acceptance & { hex: string } {
    if (amount <= 0n || amount > MAX_MONEY)
      throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid amount');
    const coin = this.unspent(FAUCET.script, true)
      .filter(
        (u) =>
          !u.coinbase ||
          (u.height !== undefined && this.height + 1 - u.height >= COINBASE_MATURITY),
      )
      .sort((a, b) => (a.amount > b.amount ? -1 : 1))[0];
    const fee = 154n * feeRate; // one P2TR key-path input, two outputs
    if (!coin || coin.amount < amount + fee + 330n)
      throw new RpcError(RPC_MISC_ERROR, 'Faucet is empty');
    const tx = new Transaction({ allowUnknownOutputs: true });
    tx.addInput({
      txid: coin.txid,
      index: coin.vout,
      witnessUtxo: { script: coin.script, amount: coin.amount },
      tapInternalKey: FAUCET.tapInternalKey,
    });
    tx.addOutput({ script, amount });
    tx.addOutput({ script: FAUCET.script, amount: coin.amount - amount - fee });
    tx.sign(FAUCET_SECRET);
    tx.finalize();
    const rawHex = tx.hex;
    return { ...this.submit(rawHex), hex: rawHex };
  }
}

/** Bytes of Bitcoin's CompactSize encoding of `n`. */
function compactSizeLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/** Core's fee rate text: BTC per kvB with 8 decimals. */
function feeRateText(fee: bigint, vsize: number): string {
  return `${Decimal.encode((fee * 1000n) / BigInt(vsize))} BTC/kvB`;
}

/** Parses a raw transaction in hex, or Core's "TX decode failed". */
export function decodeRawTx(rawHex: string): { raw: RawTxData; tx: Transaction } {
  if (typeof rawHex !== 'string' || !/^([0-9a-fA-F]{2})+$/.test(rawHex)) {
    throw new RpcError(RPC_DESERIALIZATION_ERROR, 'TX decode failed');
  }
  try {
    const bytes = hex.decode(rawHex.toLowerCase());
    const raw = RawTx.decode(bytes);
    const tx = Transaction.fromRaw(bytes, {
      allowUnknownInputs: true,
      allowUnknownOutputs: true,
      allowUnknownVersion: true,
      disableScriptCheck: true,
    });
    return { raw, tx };
  } catch {
    throw new RpcError(RPC_DESERIALIZATION_ERROR, 'TX decode failed');
  }
}

/** Regtest block subsidy: 50 BTC halving every 150 blocks. */
export function subsidy(height: number): bigint {
  const halvings = Math.floor(height / 150);
  return halvings >= 64 ? 0n : (50n * 100_000_000n) >> BigInt(halvings);
}

function coinbase(height: number, script: Uint8Array, amount: bigint): string {
  // BIP34: the scriptSig starts with the height; a second push keeps it >= 2 bytes.
  const scriptSig = Script.encode([ScriptNum().encode(BigInt(height)), new Uint8Array(4)]);
  const bytes = RawTx.encode({
    version: 2,
    segwitFlag: false,
    inputs: [
      {
        txid: new Uint8Array(32),
        index: 0xffffffff,
        finalScriptSig: scriptSig,
        sequence: 0xffffffff,
      },
    ],
    outputs: [{ amount, script }],
    witnesses: undefined,
    lockTime: 0,
  });
  return hex.encode(bytes);
}

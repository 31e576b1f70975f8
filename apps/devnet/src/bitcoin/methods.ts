import { fromBtc, toBtc } from './amount.ts';
import type { Block } from './block.ts';
import { describeHeader, describeScript, describeTx } from './describe.ts';
import {
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RPC_METHOD_NOT_FOUND,
  RPC_TYPE_ERROR,
  RPC_VERIFY_REJECTED,
  RpcError,
} from './errors.ts';
import type { Acceptance, Ledger } from './ledger.ts';
import { addressToScript } from './network.ts';

/**
 * What the RPC methods need from the devnet: the ledger to read, and the operations that change
 * state (they go through the devnet so that they are journaled and the Stacks side follows).
 */
export type BitcoinNode = {
  readonly ledger: Ledger;
  /** Fee rate `estimatesmartfee` answers, in sat/vB. */
  readonly feeRate: number;
  sendRawTransaction(rawHex: string): Acceptance;
  generate(count: number, script: Uint8Array): Block[];
  faucet(script: Uint8Array, amount: bigint): Acceptance;
};

type Method = (node: BitcoinNode, params: unknown[]) => unknown;

// bitcoind's default -maxfeerate for sendrawtransaction/testmempoolaccept: 0.10 BTC/kvB.
const DEFAULT_MAX_FEE_RATE = 0.1;

const int = (value: unknown, name: string, fallback?: number): number => {
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new RpcError(RPC_TYPE_ERROR, `Missing ${name}`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new RpcError(RPC_TYPE_ERROR, `${name} must be an integer`);
  return value;
};
const str = (value: unknown, name: string): string => {
  if (typeof value !== 'string') throw new RpcError(RPC_TYPE_ERROR, `${name} must be a string`);
  return value;
};
const hash = (value: unknown, name: string): string => {
  const text = str(value, name);
  if (!/^[0-9a-fA-F]{64}$/.test(text))
    throw new RpcError(RPC_INVALID_PARAMETER, `${name} must be of length 64 (hex)`);
  return text.toLowerCase();
};

function blockOr404(node: BitcoinNode, blockHash: string): Block {
  const block = node.ledger.blockByHash(blockHash);
  if (!block) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Block not found');
  return block;
}

function maxFeeCheck(acceptance: Acceptance, maxFeeRate: unknown): void {
  const rate =
    maxFeeRate === undefined || maxFeeRate === null ? DEFAULT_MAX_FEE_RATE : Number(maxFeeRate);
  if (!Number.isFinite(rate) || rate < 0) throw new RpcError(RPC_TYPE_ERROR, 'Invalid maxfeerate');
  if (rate === 0) return;
  // rate is BTC per 1000 vbytes; compare in sats with the transaction's vsize.
  const maxFee = BigInt(Math.ceil((rate * 1e8 * acceptance.vsize) / 1000));
  if (acceptance.fee > maxFee) {
    throw new RpcError(RPC_VERIFY_REJECTED, 'max-fee-exceeded');
  }
}

function confirmations(node: BitcoinNode, block: Block | undefined): number {
  return block ? node.ledger.height - block.height + 1 : 0;
}

function scriptsFromDescriptors(list: unknown): Uint8Array[] {
  if (!Array.isArray(list)) throw new RpcError(RPC_TYPE_ERROR, 'scanobjects must be an array');
  return list.map((item) => {
    const desc = typeof item === 'string' ? item : (item as { desc?: unknown } | null)?.desc;
    if (typeof desc !== 'string') throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid scan object');
    const body = desc.replace(/#[0-9a-z]{8}$/, '');
    const addr = /^addr\((.+)\)$/.exec(body);
    if (addr) return addressToScript(addr[1]);
    const raw = /^raw\(([0-9a-fA-F]*)\)$/.exec(body);
    if (raw && raw[1]!.length % 2 === 0) return Uint8Array.from(Buffer.from(raw[1]!, 'hex'));
    throw new RpcError(
      RPC_INVALID_ADDRESS_OR_KEY,
      `devnet: only addr(...) and raw(...) descriptors are supported: ${desc}`,
    );
  });
}

/** The Bitcoin Core RPC subset the devnet answers, by method name. */
export const methods: Record<string, Method> = {
  getblockchaininfo: (node) => {
    const tip = node.ledger.tip;
    return {
      chain: 'regtest',
      blocks: tip.height,
      headers: tip.height,
      bestblockhash: tip.hash,
      difficulty: 4.656542373906925e-10,
      time: tip.time,
      mediantime: tip.time,
      verificationprogress: 1,
      initialblockdownload: false,
      chainwork: (tip.height + 1).toString(16).padStart(64, '0'),
      size_on_disk: 0,
      pruned: false,
      warnings: 'peg devnet ledger: not consensus-complete',
    };
  },
  getbestblockhash: (node) => node.ledger.tip.hash,
  getblockcount: (node) => node.ledger.height,
  getblockhash: (node, [height]) => {
    const h = int(height, 'height');
    const block = node.ledger.blocks[h];
    if (h < 0 || !block) throw new RpcError(RPC_INVALID_PARAMETER, 'Block height out of range');
    return block.hash;
  },
  getblockheader: (node, [blockHash, verbose]) => {
    const block = blockOr404(node, hash(blockHash, 'blockhash'));
    if (verbose === false)
      throw new RpcError(RPC_INVALID_PARAMETER, 'devnet: serialized headers are not supported');
    return describeHeader(block, node.ledger.height, node.ledger.blocks[block.height + 1]);
  },
  getblock: (node, [blockHash, verbosity]) => {
    const block = blockOr404(node, hash(blockHash, 'blockhash'));
    const level = verbosity === true ? 1 : verbosity === false ? 0 : int(verbosity, 'verbosity', 1);
    if (level === 0)
      throw new RpcError(
        RPC_INVALID_PARAMETER,
        'devnet: serialized blocks are not supported (verbosity 0)',
      );
    const header = describeHeader(block, node.ledger.height, node.ledger.blocks[block.height + 1]);
    const tx =
      level === 1
        ? block.txids
        : block.txids.map((txid) => describeTx(node.ledger.transaction(txid)!.hex));
    return { ...header, size: block.size, strippedsize: block.size, weight: block.weight, tx };
  },
  getrawtransaction: (node, [txid, verbose, blockHash]) => {
    const id = hash(txid, 'txid');
    const inBlock =
      blockHash === undefined || blockHash === null
        ? undefined
        : blockOr404(node, hash(blockHash, 'blockhash'));
    const record = node.ledger.transaction(id);
    if (inBlock && record?.blockHash !== inBlock.hash) {
      throw new RpcError(
        RPC_INVALID_ADDRESS_OR_KEY,
        'No such transaction found in the provided block. Use gettransaction for wallet transactions.',
      );
    }
    if (!record) {
      throw new RpcError(
        RPC_INVALID_ADDRESS_OR_KEY,
        'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.',
      );
    }
    const level =
      verbose === true
        ? 1
        : verbose === false || verbose === undefined || verbose === null
          ? 0
          : int(verbose, 'verbosity');
    if (level === 0) return record.hex;
    const block = record.blockHash ? node.ledger.blockByHash(record.blockHash) : undefined;
    return {
      ...describeTx(record.hex),
      ...(block
        ? {
            blockhash: block.hash,
            confirmations: confirmations(node, block),
            time: block.time,
            blocktime: block.time,
          }
        : {}),
    };
  },
  decoderawtransaction: (_node, [rawHex]) => describeTx(str(rawHex, 'hexstring').toLowerCase()),
  sendrawtransaction: (node, [rawHex, maxFeeRate]) => {
    const text = str(rawHex, 'hexstring');
    const checked = node.ledger.check(text);
    maxFeeCheck(checked, maxFeeRate);
    return node.sendRawTransaction(text).txid;
  },
  testmempoolaccept: (node, [rawTxs, maxFeeRate]) => {
    if (!Array.isArray(rawTxs)) throw new RpcError(RPC_TYPE_ERROR, 'rawtxs must be an array');
    if (rawTxs.length !== 1) {
      // Core accepts packages of up to 25; the ledger tests one transaction at a time.
      throw new RpcError(
        RPC_INVALID_PARAMETER,
        'devnet: testmempoolaccept takes exactly one transaction',
      );
    }
    const text = str(rawTxs[0], 'rawtx');
    try {
      const checked = node.ledger.check(text);
      maxFeeCheck(checked, maxFeeRate);
      return [
        {
          txid: checked.txid,
          wtxid: checked.wtxid,
          allowed: true,
          vsize: checked.vsize,
          fees: { base: toBtc(checked.fee) },
        },
      ];
    } catch (err) {
      if (!(err instanceof RpcError) || err.code === -22) throw err;
      const txid = safeTxid(text);
      return [{ txid, wtxid: txid, allowed: false, 'reject-reason': err.message }];
    }
  },
  getrawmempool: (node, [verbose]) => {
    const txids = node.ledger.mempoolTxids();
    if (verbose !== true) return txids;
    return Object.fromEntries(
      txids.map((txid) => {
        const entry = node.ledger.mempoolEntry(txid)!;
        return [
          txid,
          {
            vsize: entry.vsize,
            weight: entry.vsize * 4,
            fees: { base: toBtc(entry.fee) },
            wtxid: entry.wtxid,
          },
        ];
      }),
    );
  },
  getmempoolentry: (node, [txid]) => {
    const entry = node.ledger.mempoolEntry(hash(txid, 'txid'));
    if (!entry) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
    return {
      vsize: entry.vsize,
      weight: entry.vsize * 4,
      fees: { base: toBtc(entry.fee) },
      wtxid: entry.wtxid,
    };
  },
  gettxout: (node, [txid, n, includeMempool]) => {
    const out = node.ledger.txOut(hash(txid, 'txid'), int(n, 'n'), includeMempool !== false);
    if (!out) return null;
    return {
      bestblock: node.ledger.tip.hash,
      confirmations: out.height === undefined ? 0 : node.ledger.height - out.height + 1,
      value: toBtc(out.amount),
      scriptPubKey: describeScript(out.script),
      coinbase: out.coinbase,
    };
  },
  listunspent: (node, [minconf, maxconf, addresses]) => {
    const min = int(minconf, 'minconf', 1);
    const max = int(maxconf, 'maxconf', 9_999_999);
    if (!Array.isArray(addresses) || addresses.length === 0) {
      throw new RpcError(
        RPC_INVALID_PARAMETER,
        'devnet: listunspent needs the addresses filter (the ledger has no wallet)',
      );
    }
    return addresses.flatMap((address) =>
      node.ledger
        .unspent(addressToScript(address), min === 0)
        .map((u) => ({ u, confs: u.height === undefined ? 0 : node.ledger.height - u.height + 1 }))
        .filter(({ confs }) => confs >= min && confs <= max)
        .map(({ u, confs }) => ({
          txid: u.txid,
          vout: u.vout,
          address,
          scriptPubKey: Buffer.from(u.script).toString('hex'),
          amount: toBtc(u.amount),
          confirmations: confs,
          spendable: false,
          solvable: false,
          safe: confs > 0,
        })),
    );
  },
  scantxoutset: (node, [action, scanObjects]) => {
    if (action !== 'start')
      throw new RpcError(RPC_INVALID_PARAMETER, 'devnet: only the "start" action is supported');
    const scripts = scriptsFromDescriptors(scanObjects);
    const unspents = scripts.flatMap((script) =>
      node.ledger.utxoSet(script).map((u) => ({
        txid: u.txid,
        vout: u.vout,
        scriptPubKey: Buffer.from(u.script).toString('hex'),
        desc: `raw(${Buffer.from(u.script).toString('hex')})`,
        amount: toBtc(u.amount),
        coinbase: u.coinbase,
        height: u.height,
      })),
    );
    const total = scripts
      .flatMap((s) => node.ledger.utxoSet(s))
      .reduce((sum, u) => sum + u.amount, 0n);
    return {
      success: true,
      txouts: unspents.length,
      height: node.ledger.height,
      bestblock: node.ledger.tip.hash,
      unspents,
      total_amount: toBtc(total),
    };
  },
  estimatesmartfee: (node, [target]) => {
    const blocks = int(target, 'conf_target');
    if (blocks < 1 || blocks > 1008)
      throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid conf_target, must be between 1 and 1008');
    // sat/vB -> BTC/kvB
    return { feerate: (node.feeRate * 1000) / 1e8, blocks };
  },
  generatetoaddress: (node, [count, address]) => {
    const n = int(count, 'nblocks');
    if (n < 0 || n > 10_000)
      throw new RpcError(RPC_INVALID_PARAMETER, 'nblocks must be between 0 and 10000');
    return node.generate(n, addressToScript(address)).map((b) => b.hash);
  },
  faucet: (node, [address, amount]) => node.faucet(addressToScript(address), fromBtc(amount)).txid,
  // Core's wallet call, answered from the faucet: regtest scripts that fund with it keep working.
  sendtoaddress: (node, [address, amount]) =>
    node.faucet(addressToScript(address), fromBtc(amount)).txid,
};

function safeTxid(rawHex: string): string {
  try {
    return describeTx(rawHex.toLowerCase()).txid as string;
  } catch {
    return '';
  }
}

/** Runs one RPC call. */
export function callMethod(node: BitcoinNode, method: unknown, params: unknown): unknown {
  const fn =
    typeof method === 'string' && Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!fn) throw new RpcError(RPC_METHOD_NOT_FOUND, 'Method not found');
  if (params !== undefined && params !== null && !Array.isArray(params)) {
    throw new RpcError(RPC_INVALID_PARAMETER, 'devnet: params must be positional (an array)');
  }
  return fn(node, (params as unknown[] | undefined) ?? []);
}

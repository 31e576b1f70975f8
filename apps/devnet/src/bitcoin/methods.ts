import { hex } from '@scure/base';
import { fromBtc, toBtc } from './amount.ts';
import type { Block } from './block.ts';
import { blockStats, selectStats } from './block-stats.ts';
import { describeHeader, describeScript, describeTx } from './describe.ts';
import { inferDescriptor, parseDescriptor, withChecksum } from './descriptor.ts';
import {
  RPC_INVALID_ADDRESS_OR_KEY,
  RPC_INVALID_PARAMETER,
  RPC_METHOD_NOT_FOUND,
  RPC_TYPE_ERROR,
  RPC_VERIFY_ERROR,
  RpcError,
} from './errors.ts';
import {
  type Acceptance,
  COINBASE_MATURITY,
  decodeRawTx,
  INCREMENTAL_RELAY_FEE,
  type Ledger,
  type MempoolView,
} from './ledger.ts';
import { addressToScript } from './network.ts';
import { bool, hash, int, positionalParams, str } from './params.ts';
import { decodeScript, validateAddress } from './script-info.ts';
import { measureTx } from './tx-facts.ts';

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

/** What a call may know about the server answering it. */
export type CallContext = { /** Seconds since the RPC server started. */ uptime: () => number };

type Category =
  | 'Blockchain'
  | 'Control'
  | 'Devnet'
  | 'Generating'
  | 'Network'
  | 'Rawtransactions'
  | 'Util'
  | 'Wallet';

/** One served RPC method. */
type Method = {
  category: Category;
  /** Core's parameter names in order (`a|b`: aliases), for positional and named calls. */
  params: readonly string[];
  /** How many leading parameters are required. */
  required: number;
  summary: string;
  run: (node: BitcoinNode, args: unknown[], context: CallContext) => unknown;
};

// bitcoind's default -maxfeerate for sendrawtransaction/testmempoolaccept: 0.10 BTC/kvB.
const DEFAULT_MAX_FEE_RATE = 10_000_000n; // sat/kvB
// Core's -minrelaytxfee and -incrementalrelayfee defaults, as reported (BTC/kvB).
const RELAY_FEE_BTC_PER_KVB = toBtc(INCREMENTAL_RELAY_FEE * 1000n);
const MAX_MEMPOOL_BYTES = 300_000_000;
const CORE_VERSION = 280000;
const absent = (value: unknown) => value === undefined || value === null;

function blockOr404(node: BitcoinNode, blockHash: string): Block {
  const block = node.ledger.blockByHash(blockHash);
  if (!block) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Block not found');
  return block;
}

/** A BTC/kvB fee rate argument in sat/kvB (Core's ParseFeeRate), `fallback` when absent. */
function feeRateArg(value: unknown, fallback: bigint): bigint {
  if (absent(value)) return fallback;
  if (typeof value === 'number' && value < 0)
    throw new RpcError(RPC_TYPE_ERROR, 'Amount out of range');
  const sats = value === 0 || value === '0' ? 0n : fromBtc(value);
  if (sats >= 100_000_000n)
    throw new RpcError(
      RPC_INVALID_PARAMETER,
      'Fee rates larger than or equal to 1BTC/kvB are not accepted',
    );
  return sats;
}

/** Whether the fee is above `rate` (sat/kvB) for its vsize, rounded up as Core's CFeeRate::GetFee. */
function exceedsMaxFee(acceptance: Acceptance, rate: bigint): boolean {
  if (rate === 0n) return false;
  const maxFee = (rate * BigInt(acceptance.vsize) + 999n) / 1000n;
  return acceptance.fee > maxFee;
}

function confirmations(node: BitcoinNode, block: Block | undefined): number {
  return block ? node.ledger.height - block.height + 1 : 0;
}

function scriptsFromScanObjects(list: unknown): Uint8Array[] {
  if (!Array.isArray(list)) throw new RpcError(RPC_TYPE_ERROR, 'scanobjects must be an array');
  return list.map((item) => {
    const desc = typeof item === 'string' ? item : (item as { desc?: unknown } | null)?.desc;
    if (typeof desc !== 'string') throw new RpcError(RPC_INVALID_PARAMETER, 'Invalid scan object');
    return parseDescriptor(desc).script;
  });
}

/** Ancestors or descendants of a mempool transaction (itself excluded), following `link`. */
function relatives(
  ledger: Ledger,
  entry: MempoolView,
  link: (e: MempoolView) => string[],
): MempoolView[] {
  const found = new Map<string, MempoolView>();
  const queue = [...link(entry)];
  while (queue.length > 0) {
    const txid = queue.pop()!;
    if (found.has(txid)) continue;
    const next = ledger.mempoolEntry(txid);
    if (!next) continue;
    found.set(txid, next);
    queue.push(...link(next));
  }
  return [...found.values()];
}

/** Core's mempool entry object (`getmempoolentry`, `getrawmempool true`). */
function describeMempoolEntry(ledger: Ledger, entry: MempoolView): Record<string, unknown> {
  const ancestors = relatives(ledger, entry, (e) => e.depends);
  const descendants = relatives(ledger, entry, (e) => e.spentby);
  const sum = (list: MempoolView[], pick: (e: MempoolView) => bigint) =>
    list.reduce((s, e) => s + pick(e), pick(entry));
  return {
    vsize: entry.vsize,
    weight: entry.weight,
    time: entry.time,
    height: entry.height,
    descendantcount: descendants.length + 1,
    descendantsize: Number(sum(descendants, (e) => BigInt(e.vsize))),
    ancestorcount: ancestors.length + 1,
    ancestorsize: Number(sum(ancestors, (e) => BigInt(e.vsize))),
    wtxid: entry.wtxid,
    fees: {
      base: toBtc(entry.fee),
      modified: toBtc(entry.fee),
      ancestor: toBtc(sum(ancestors, (e) => e.fee)),
      descendant: toBtc(sum(descendants, (e) => e.fee)),
    },
    depends: entry.depends,
    spentby: entry.spentby,
    'bip125-replaceable': entry.signalsRbf || ancestors.some((a) => a.signalsRbf),
    unbroadcast: false,
  };
}

/**
 * A transaction of `getblock` verbosity 2 (with its `fee`, except the coinbase) or 3 (each
 * input also with its `prevout`), as Core gives them from its undo data.
 */
function describeBlockTx(
  ledger: Ledger,
  txid: string,
  isCoinbase: boolean,
  withPrevouts: boolean,
): Record<string, unknown> {
  const rawHex = ledger.transaction(txid)!.hex;
  const described = describeTx(rawHex);
  if (isCoinbase) return described;
  const { raw } = decodeRawTx(rawHex);
  const prevouts = raw.inputs.map(
    (input) => ledger.previousOutput(hex.encode(input.txid), input.index)!,
  );
  const fee =
    prevouts.reduce((sum, p) => sum + p.amount, 0n) -
    raw.outputs.reduce((sum, o) => sum + o.amount, 0n);
  if (!withPrevouts) return { ...described, fee: toBtc(fee) };
  const vin = (described.vin as Record<string, unknown>[]).map((input, i) => ({
    ...input,
    prevout: {
      generated: prevouts[i]!.coinbase,
      height: prevouts[i]!.height,
      value: toBtc(prevouts[i]!.amount),
      scriptPubKey: describeScript(prevouts[i]!.script),
    },
  }));
  return { ...described, vin, fee: toBtc(fee) };
}

/** Core's "Unspendable output exceeds maximum configured by user (maxburnamount)" check. */
function checkBurn(rawHex: string, maxBurn: bigint): void {
  const { raw } = decodeRawTx(rawHex);
  for (const out of raw.outputs) {
    const unspendable = out.script[0] === 0x6a || out.script.length > 10_000;
    if (unspendable && out.amount > maxBurn)
      throw new RpcError(
        RPC_VERIFY_ERROR,
        'Unspendable output exceeds maximum configured by user (maxburnamount)',
      );
  }
}

/** `maxburnamount` in sats (default 0); fromBtc refuses anything outside 0..MAX_MONEY. */
function burnArg(value: unknown): bigint {
  return absent(value) || value === 0 || value === '0' ? 0n : fromBtc(value);
}

const ESTIMATE_MODES = ['unset', 'economical', 'conservative'];

/** The Bitcoin Core RPC subset the devnet answers, by method name. */
export const methods: Record<string, Method> = {
  getblockchaininfo: {
    category: 'Blockchain',
    params: [],
    required: 0,
    summary: 'State of the chain (regtest).',
    run: (node) => {
      const tip = node.ledger.tip;
      return {
        chain: 'regtest',
        blocks: tip.height,
        headers: tip.height,
        bestblockhash: tip.hash,
        bits: '207fffff',
        difficulty: 4.656542373906925e-10,
        time: tip.time,
        mediantime: tip.time,
        verificationprogress: 1,
        initialblockdownload: false,
        chainwork: (tip.height + 1).toString(16).padStart(64, '0'),
        size_on_disk: 0,
        pruned: false,
        warnings: ['peg devnet ledger: not consensus-complete'],
      };
    },
  },
  getbestblockhash: {
    category: 'Blockchain',
    params: [],
    required: 0,
    summary: 'Hash of the tip.',
    run: (node) => node.ledger.tip.hash,
  },
  getblockcount: {
    category: 'Blockchain',
    params: [],
    required: 0,
    summary: 'Height of the tip.',
    run: (node) => node.ledger.height,
  },
  getblockhash: {
    category: 'Blockchain',
    params: ['height'],
    required: 1,
    summary: 'Hash of the block at a height.',
    run: (node, [height]) => {
      const h = int(height, 'height');
      const block = node.ledger.blocks[h];
      if (h < 0 || !block) throw new RpcError(RPC_INVALID_PARAMETER, 'Block height out of range');
      return block.hash;
    },
  },
  getblockheader: {
    category: 'Blockchain',
    params: ['blockhash', 'verbose'],
    required: 1,
    summary: 'A block header as JSON (verbose=false is not served).',
    run: (node, [blockHash, verbose]) => {
      const block = blockOr404(node, hash(blockHash, 'blockhash'));
      if (!bool(verbose, 'verbose', true))
        throw new RpcError(RPC_INVALID_PARAMETER, 'devnet: serialized headers are not supported');
      return describeHeader(block, node.ledger.height, node.ledger.blocks[block.height + 1]);
    },
  },
  getblock: {
    category: 'Blockchain',
    params: ['blockhash', 'verbosity|verbose'],
    required: 1,
    summary:
      'A block: verbosity 1 with txids, 2 with decoded transactions and fees, 3 with prevouts (0 is not served).',
    run: (node, [blockHash, verbosity]) => {
      const block = blockOr404(node, hash(blockHash, 'blockhash'));
      const level =
        verbosity === true ? 1 : verbosity === false ? 0 : int(verbosity, 'verbosity', 1);
      if (level < 1 || level > 3)
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          `devnet: getblock serves verbosity 1 to 3, not ${level}`,
        );
      const header = describeHeader(
        block,
        node.ledger.height,
        node.ledger.blocks[block.height + 1],
      );
      const tx =
        level === 1
          ? block.txids
          : block.txids.map((txid, i) => describeBlockTx(node.ledger, txid, i === 0, level === 3));
      return {
        ...header,
        strippedsize: block.strippedSize,
        size: block.size,
        weight: block.weight,
        tx,
      };
    },
  },
  getblockstats: {
    category: 'Blockchain',
    params: ['hash_or_height', 'stats'],
    required: 1,
    summary: 'Fee, size and UTXO statistics of a block (amounts in satoshis).',
    run: (node, [target, stats]) => {
      let block: Block | undefined;
      if (typeof target === 'number') {
        const h = int(target, 'hash_or_height');
        if (h < 0)
          throw new RpcError(RPC_INVALID_PARAMETER, `Target block height ${h} is negative`);
        block = node.ledger.blocks[h];
        if (!block)
          throw new RpcError(
            RPC_INVALID_PARAMETER,
            `Target block height ${h} after current tip ${node.ledger.height}`,
          );
      } else block = blockOr404(node, hash(target, 'hash_or_height'));
      return selectStats(blockStats(node.ledger, block), stats);
    },
  },
  getchaintips: {
    category: 'Blockchain',
    params: [],
    required: 0,
    summary: 'The one active tip (the devnet has no forks).',
    run: (node) => [
      { height: node.ledger.height, hash: node.ledger.tip.hash, branchlen: 0, status: 'active' },
    ],
  },
  getrawtransaction: {
    category: 'Rawtransactions',
    params: ['txid', 'verbosity|verbose', 'blockhash'],
    required: 1,
    summary: 'A mempool or confirmed transaction: hex, or decoded with verbosity 1 (2 as 1).',
    run: (node, [txid, verbose, blockHash]) => {
      const id = hash(txid, 'txid');
      const inBlock = absent(blockHash)
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
        verbose === true ? 1 : verbose === false || absent(verbose) ? 0 : int(verbose, 'verbosity');
      if (level === 0) return record.hex;
      const block = record.blockHash ? node.ledger.blockByHash(record.blockHash) : undefined;
      return {
        ...(inBlock ? { in_active_chain: true } : {}),
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
  },
  decoderawtransaction: {
    category: 'Rawtransactions',
    params: ['hexstring', 'iswitness'],
    required: 1,
    summary: 'Decodes a raw transaction.',
    run: (_node, [rawHex]) => describeTx(str(rawHex, 'hexstring').toLowerCase()),
  },
  decodescript: {
    category: 'Rawtransactions',
    params: ['hexstring'],
    required: 1,
    summary: 'Decodes a script and the P2SH/segwit addresses wrapping it.',
    run: (_node, [scriptHex]) => decodeScript(scriptHex),
  },
  sendrawtransaction: {
    category: 'Rawtransactions',
    params: ['hexstring', 'maxfeerate', 'maxburnamount'],
    required: 1,
    summary: 'Submits a signed transaction to the mempool; answers its txid.',
    run: (node, [rawHex, maxFeeRate, maxBurnAmount]) => {
      const text = str(rawHex, 'hexstring');
      const rate = feeRateArg(maxFeeRate, DEFAULT_MAX_FEE_RATE);
      checkBurn(text, burnArg(maxBurnAmount));
      // Already in the mempool: Core answers the txid again without re-checking.
      const { txid } = measureTx(decodeRawTx(text).raw);
      if (node.ledger.mempoolEntry(txid)) return txid;
      const checked = node.ledger.check(text);
      if (exceedsMaxFee(checked, rate))
        throw new RpcError(
          RPC_VERIFY_ERROR,
          'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)',
        );
      return node.sendRawTransaction(text).txid;
    },
  },
  testmempoolaccept: {
    category: 'Rawtransactions',
    params: ['rawtxs', 'maxfeerate'],
    required: 1,
    summary: 'Whether one transaction would be accepted (packages are not served).',
    run: (node, [rawTxs, maxFeeRate]) => {
      if (!Array.isArray(rawTxs)) throw new RpcError(RPC_TYPE_ERROR, 'rawtxs must be an array');
      if (rawTxs.length !== 1) {
        // Core accepts packages of up to 25; the ledger tests one transaction at a time.
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'devnet: testmempoolaccept takes exactly one transaction',
        );
      }
      const rate = feeRateArg(maxFeeRate, DEFAULT_MAX_FEE_RATE);
      const text = str(rawTxs[0], 'rawtx');
      const { txid, wtxid } = measureTx(decodeRawTx(text).raw);
      const ids = { txid, wtxid };
      try {
        const checked = node.ledger.check(text);
        if (exceedsMaxFee(checked, rate))
          return [{ ...ids, allowed: false, 'reject-reason': 'max-fee-exceeded' }];
        return [
          {
            ...ids,
            allowed: true,
            vsize: checked.vsize,
            fees: {
              base: toBtc(checked.fee),
              'effective-feerate': toBtc((checked.fee * 1000n) / BigInt(checked.vsize)),
              'effective-includes': [checked.wtxid],
            },
          },
        ];
      } catch (err) {
        if (!(err instanceof RpcError)) throw err;
        return [{ ...ids, allowed: false, 'reject-reason': err.message }];
      }
    },
  },
  getrawmempool: {
    category: 'Blockchain',
    params: ['verbose', 'mempool_sequence'],
    required: 0,
    summary: 'Mempool txids, or entries with verbose=true (mempool_sequence is not served).',
    run: (node, [verbose, sequence]) => {
      if (bool(sequence, 'mempool_sequence', false))
        throw new RpcError(RPC_INVALID_PARAMETER, 'devnet: mempool_sequence is not supported');
      const txids = node.ledger.mempoolTxids();
      if (!bool(verbose, 'verbose', false)) return txids;
      return Object.fromEntries(
        txids.map((txid) => [
          txid,
          describeMempoolEntry(node.ledger, node.ledger.mempoolEntry(txid)!),
        ]),
      );
    },
  },
  getmempoolentry: {
    category: 'Blockchain',
    params: ['txid'],
    required: 1,
    summary: 'One mempool entry.',
    run: (node, [txid]) => {
      const entry = node.ledger.mempoolEntry(hash(txid, 'txid'));
      if (!entry) throw new RpcError(RPC_INVALID_ADDRESS_OR_KEY, 'Transaction not in mempool');
      return describeMempoolEntry(node.ledger, entry);
    },
  },
  getmempoolinfo: {
    category: 'Blockchain',
    params: [],
    required: 0,
    summary: 'Mempool size and the relay fee settings Core reports by default.',
    run: (node) => {
      const entries = node.ledger.mempoolTxids().map((txid) => node.ledger.mempoolEntry(txid)!);
      return {
        loaded: true,
        size: entries.length,
        bytes: entries.reduce((s, e) => s + e.vsize, 0),
        // Core reports its memory use; the devnet reports the serialized bytes it holds.
        usage: entries.reduce((s, e) => s + e.size, 0),
        total_fee: toBtc(entries.reduce((s, e) => s + e.fee, 0n)),
        maxmempool: MAX_MEMPOOL_BYTES,
        mempoolminfee: RELAY_FEE_BTC_PER_KVB,
        minrelaytxfee: RELAY_FEE_BTC_PER_KVB,
        incrementalrelayfee: RELAY_FEE_BTC_PER_KVB,
        unbroadcastcount: 0,
        fullrbf: true,
      };
    },
  },
  gettxout: {
    category: 'Blockchain',
    params: ['txid', 'n', 'include_mempool'],
    required: 2,
    summary: 'An unspent output, or null.',
    run: (node, [txid, n, includeMempool]) => {
      const out = node.ledger.txOut(
        hash(txid, 'txid'),
        int(n, 'n'),
        bool(includeMempool, 'include_mempool', true),
      );
      if (!out) return null;
      return {
        bestblock: node.ledger.tip.hash,
        confirmations: out.height === undefined ? 0 : node.ledger.height - out.height + 1,
        value: toBtc(out.amount),
        scriptPubKey: describeScript(out.script),
        coinbase: out.coinbase,
      };
    },
  },
  scantxoutset: {
    category: 'Blockchain',
    params: ['action', 'scanobjects'],
    required: 1,
    summary: 'Confirmed outputs paying addr()/raw()/rawtr()/wpkh() descriptors ("start" only).',
    run: (node, [action, scanObjects]) => {
      if (action !== 'start')
        throw new RpcError(RPC_INVALID_PARAMETER, 'devnet: only the "start" action is supported');
      const found = scriptsFromScanObjects(scanObjects).flatMap((s) => node.ledger.utxoSet(s));
      return {
        success: true,
        txouts: found.length,
        height: node.ledger.height,
        bestblock: node.ledger.tip.hash,
        unspents: found.map((u) => ({
          txid: u.txid,
          vout: u.vout,
          scriptPubKey: Buffer.from(u.script).toString('hex'),
          desc: inferDescriptor(u.script),
          amount: toBtc(u.amount),
          coinbase: u.coinbase,
          height: u.height,
          blockhash: node.ledger.blocks[u.height!]!.hash,
          confirmations: node.ledger.height - u.height! + 1,
        })),
        total_amount: toBtc(found.reduce((sum, u) => sum + u.amount, 0n)),
      };
    },
  },
  estimatesmartfee: {
    category: 'Util',
    params: ['conf_target', 'estimate_mode'],
    required: 1,
    summary: 'The devnet fee rate (--fee-rate) for any target.',
    run: (node, [target, mode]) => {
      const blocks = int(target, 'conf_target');
      if (blocks < 1 || blocks > 1008)
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Invalid conf_target, must be between 1 and 1008',
        );
      if (!absent(mode) && !ESTIMATE_MODES.includes(String(mode).toLowerCase()))
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'Invalid estimate_mode parameter, must be one of: "unset", "economical", "conservative"',
        );
      // sat/vB -> BTC/kvB
      return { feerate: (node.feeRate * 1000) / 1e8, blocks };
    },
  },
  validateaddress: {
    category: 'Util',
    params: ['address'],
    required: 1,
    summary: 'Whether an address is a valid regtest address, and its script.',
    run: (_node, [address]) => validateAddress(address),
  },
  getdescriptorinfo: {
    category: 'Util',
    params: ['descriptor'],
    required: 1,
    summary: 'Checksum and canonical form of an addr()/raw()/rawtr()/wpkh() descriptor.',
    run: (_node, [descriptor]) => {
      const text = str(descriptor, 'descriptor');
      const parsed = parseDescriptor(text);
      const body = text.includes('#') ? text.slice(0, text.indexOf('#')) : text;
      return {
        descriptor: withChecksum(parsed.canonical),
        checksum: withChecksum(body).slice(-8),
        isrange: false,
        issolvable: parsed.solvable,
        hasprivatekeys: false,
      };
    },
  },
  getnetworkinfo: {
    category: 'Network',
    params: [],
    required: 0,
    summary: 'Node version and relay fees; the devnet has no peer-to-peer network.',
    run: () => ({
      version: CORE_VERSION,
      subversion: '/Satoshi:28.0.0(peg-devnet)/',
      protocolversion: 70016,
      localservices: '0000000000000000',
      localservicesnames: [],
      localrelay: true,
      timeoffset: 0,
      networkactive: false,
      connections: 0,
      connections_in: 0,
      connections_out: 0,
      networks: ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns'].map((name) => ({
        name,
        limited: true,
        reachable: false,
        proxy: '',
        proxy_randomize_credentials: false,
      })),
      relayfee: RELAY_FEE_BTC_PER_KVB,
      incrementalfee: RELAY_FEE_BTC_PER_KVB,
      localaddresses: [],
      warnings: [],
    }),
  },
  uptime: {
    category: 'Control',
    params: [],
    required: 0,
    summary: 'Seconds since the RPC server started.',
    run: (_node, _args, context) => context.uptime(),
  },
  help: {
    category: 'Control',
    params: ['command'],
    required: 0,
    summary: "The served methods, or one method's parameters.",
    run: (_node, [command]) => help(command),
  },
  generatetoaddress: {
    category: 'Generating',
    params: ['nblocks', 'address', 'maxtries'],
    required: 2,
    summary: 'Mines blocks paying the coinbase to an address (the Stacks side follows).',
    run: (node, [count, address]) => {
      const n = int(count, 'nblocks');
      if (n < 0 || n > 10_000)
        throw new RpcError(RPC_INVALID_PARAMETER, 'nblocks must be between 0 and 10000');
      return node.generate(n, addressToScript(address)).map((b) => b.hash);
    },
  },
  listunspent: {
    category: 'Wallet',
    params: ['minconf', 'maxconf', 'addresses', 'include_unsafe', 'query_options'],
    required: 0,
    summary: 'Spendable outputs paying the given addresses (the addresses filter is required).',
    run: (node, [minconf, maxconf, addresses, includeUnsafe, queryOptions]) => {
      const min = int(minconf, 'minconf', 1);
      const max = int(maxconf, 'maxconf', 9_999_999);
      const unsafe = bool(includeUnsafe, 'include_unsafe', true);
      if (!absent(queryOptions) && Object.keys(queryOptions as object).length > 0)
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'devnet: listunspent query_options are not supported',
        );
      if (!Array.isArray(addresses) || addresses.length === 0) {
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'devnet: listunspent needs the addresses filter (the ledger has no wallet)',
        );
      }
      return addresses.flatMap((address) =>
        node.ledger
          .unspent(addressToScript(address), min === 0)
          .map((u) => ({
            u,
            confs: u.height === undefined ? 0 : node.ledger.height - u.height + 1,
          }))
          // Core's wallet lists a coinbase output only once it is mature by its own count:
          // COINBASE_MATURITY + 1 confirmations (one more than consensus needs).
          .filter(({ u, confs }) => !u.coinbase || confs > COINBASE_MATURITY)
          .filter(({ confs }) => confs >= min && confs <= max && (unsafe || confs > 0))
          .map(({ u, confs }) => ({
            txid: u.txid,
            vout: u.vout,
            address,
            scriptPubKey: Buffer.from(u.script).toString('hex'),
            amount: toBtc(u.amount),
            confirmations: confs,
            spendable: false,
            solvable: false,
            parent_descs: [],
            safe: confs > 0,
          })),
      );
    },
  },
  sendtoaddress: {
    category: 'Wallet',
    params: [
      'address',
      'amount',
      'comment',
      'comment_to',
      'subtractfeefromamount',
      'replaceable',
      'conf_target',
      'estimate_mode',
      'avoid_reuse',
      'fee_rate',
      'verbose',
    ],
    required: 2,
    summary: "Pays an address from the devnet faucet (Core's wallet call, without a wallet).",
    // Core's wallet call, answered from the faucet: regtest scripts that fund with it keep working.
    run: (node, [address, amount, , , ...options]) => {
      if (options.some((o) => !absent(o) && o !== false))
        throw new RpcError(
          RPC_INVALID_PARAMETER,
          'devnet: sendtoaddress takes only address, amount, comment and comment_to',
        );
      return node.faucet(addressToScript(address), fromBtc(amount)).txid;
    },
  },
  faucet: {
    category: 'Devnet',
    params: ['address', 'amount'],
    required: 2,
    summary: 'Pays an address from the devnet faucet; answers the txid.',
    run: (node, [address, amount]) => node.faucet(addressToScript(address), fromBtc(amount)).txid,
  },
};

function synopsis(name: string, method: Method): string {
  const names = method.params.map((p) => p.split('|')[0]!);
  const required = names.slice(0, method.required);
  const optional = names.slice(method.required);
  return [name, ...required, ...(optional.length > 0 ? [`( ${optional.join(' ')} )`] : [])].join(
    ' ',
  );
}

/** Core's `help`: every method by category, or one method's synopsis and summary. */
function help(command: unknown): string {
  if (!absent(command)) {
    const name = str(command, 'command');
    const method = Object.hasOwn(methods, name) ? methods[name] : undefined;
    if (!method) return `help: unknown command: ${name}`;
    return `${synopsis(name, method)}\n\n${method.summary}\n`;
  }
  const byCategory = new Map<Category, string[]>();
  for (const [name, method] of Object.entries(methods).sort(([a], [b]) => a.localeCompare(b))) {
    byCategory.set(method.category, [
      ...(byCategory.get(method.category) ?? []),
      synopsis(name, method),
    ]);
  }
  return [...byCategory.keys()]
    .sort()
    .map((category) => `== ${category} ==\n${byCategory.get(category)!.join('\n')}`)
    .join('\n\n');
}

/** Runs one RPC call; `params` is positional (an array) or named (an object). */
export function callMethod(
  node: BitcoinNode,
  method: unknown,
  params: unknown,
  context: CallContext,
): unknown {
  const spec =
    typeof method === 'string' && Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!spec) throw new RpcError(RPC_METHOD_NOT_FOUND, 'Method not found');
  return spec.run(node, positionalParams(method as string, spec.params, params), context);
}

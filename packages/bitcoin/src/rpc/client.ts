import { base64, utf8 } from '@scure/base';
import type { z } from 'zod';
import {
  BitcoinRpcError,
  BitcoinRpcHttpError,
  BitcoinRpcResponseError,
  BitcoinRpcTransportError,
} from './errors.ts';
import {
  type Block,
  type BlockchainInfo,
  type BlockVerbose,
  type BlockWithPrevouts,
  blockchainInfoSchema,
  blockSchema,
  blockVerboseSchema,
  blockWithPrevoutsSchema,
  estimateSmartFeeSchema,
  hashSchema,
  heightSchema,
  hexSchema,
  type MempoolAcceptResult,
  mempoolAcceptSchema,
  type RawTransactionVerbose,
  rawMempoolSchema,
  rawTransactionVerboseSchema,
  type ScanTxOutSetResult,
  type SmartFeeEstimate,
  scanTxOutSetSchema,
  type TxOut,
  txOutSchema,
  type Unspent,
  unspentSchema,
} from './schemas.ts';

/** The `fetch` the client uses; inject one (tests, proxies) or get the global. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type BitcoinRpcOptions = {
  /** e.g. `http://127.0.0.1:8332`; credentials in the URL are moved to the auth header. */
  url: string;
  user?: string;
  password?: string;
  /** Route calls to `/wallet/<name>` (needed by wallet RPCs such as listunspent). */
  wallet?: string;
  fetch?: FetchLike;
  /** Per-call timeout; default 30 s. */
  timeoutMs?: number;
};

/** Bitcoin Core `estimatesmartfee` modes. */
export type EstimateMode = 'unset' | 'economical' | 'conservative';

/** A typed client for the subset of Bitcoin Core's JSON-RPC the federation uses. */
export type BitcoinRpc = {
  /** Any RPC; the result is checked against `schema`. Every method reports every failure,
   * bad arguments included, as a rejected promise. */
  call<S extends z.ZodType>(
    method: string,
    params: readonly unknown[],
    schema: S,
  ): Promise<z.infer<S>>;
  getBlockchainInfo(): Promise<BlockchainInfo>;
  getBestBlockHash(): Promise<string>;
  getBlockCount(): Promise<number>;
  getBlockHash(height: number): Promise<string>;
  /** `getblock <hash> 1`: header fields and txids. */
  getBlock(blockHash: string): Promise<Block>;
  /** `getblock <hash> 2`: header fields and decoded transactions. */
  getBlockVerbose(blockHash: string): Promise<BlockVerbose>;
  /** `getblock <hash> 0`: the serialized block, hex. */
  getBlockHex(blockHash: string): Promise<string>;
  /** `getblock <hash> 3`: decoded transactions with their hex and each input's prevout. */
  getBlockWithPrevouts(blockHash: string): Promise<BlockWithPrevouts>;
  /** `getrawmempool`: txids in the mempool. */
  getRawMempool(): Promise<string[]>;
  /** `gettxout`: the output if unspent (mempool spends count unless `includeMempool` false). */
  getTxOut(txid: string, vout: number, includeMempool?: boolean): Promise<TxOut>;
  /** Serialized transaction, hex (mempool, txindex, or the given block). */
  getRawTransaction(txid: string, blockHash?: string): Promise<string>;
  getRawTransactionVerbose(txid: string, blockHash?: string): Promise<RawTransactionVerbose>;
  /** Broadcast; returns the txid. `maxFeeRate` in BTC/kvB (Core's default 0.10). */
  sendRawTransaction(txHex: string, maxFeeRate?: number): Promise<string>;
  testMempoolAccept(txHexes: readonly string[], maxFeeRate?: number): Promise<MempoolAcceptResult>;
  listUnspent(opts?: {
    minConf?: number;
    maxConf?: number;
    addresses?: readonly string[];
  }): Promise<Unspent[]>;
  /** `scantxoutset start <descriptors>`: UTXO set scan, no wallet needed. */
  scanTxOutSet(descriptors: readonly string[]): Promise<ScanTxOutSetResult>;
  estimateSmartFee(confTarget: number, mode?: EstimateMode): Promise<SmartFeeEstimate>;
};

function checkHash(v: string, field: string): void {
  if (!hashSchema.safeParse(v).success) {
    throw new TypeError(`"${field}" expected 64 lowercase hex chars`);
  }
}

/** Create a JSON-RPC 2.0 client for bitcoind (HTTP basic auth). */
export function createBitcoinRpc(opts: BitcoinRpcOptions): BitcoinRpc {
  let parsed: URL;
  try {
    parsed = new URL(opts.url);
  } catch {
    throw new TypeError('"url" expected an http(s) URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError('"url" expected an http(s) URL');
  }
  const user = opts.user ?? decodeURIComponent(parsed.username);
  const password = opts.password ?? decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  const base = parsed.toString().replace(/\/$/, '');
  const endpoint = opts.wallet ? `${base}/wallet/${encodeURIComponent(opts.wallet)}` : base;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (user || password) {
    headers.authorization = `Basic ${base64.encode(utf8.decode(`${user}:${password}`))}`;
  }
  const doFetch: FetchLike = opts.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const timeoutMs = opts.timeoutMs ?? 30_000;
  let nextId = 1;

  async function call<S extends z.ZodType>(
    method: string,
    params: readonly unknown[],
    schema: S,
  ): Promise<z.infer<S>> {
    const id = nextId++;
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, params });
    let res: Response;
    let text: string;
    try {
      res = await doFetch(endpoint, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      throw new BitcoinRpcTransportError(method, e);
    }
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    // Core answers RPC errors with a JSON error object: HTTP 200 for JSON-RPC 2.0 requests
    // (v28+), 500 or 404 for legacy ones. Anything else that is not 2xx is an HTTP failure.
    if (typeof json === 'object' && json !== null && 'error' in json) {
      const err = (json as { error: unknown }).error;
      if (typeof err === 'object' && err !== null) {
        const { code, message } = err as { code?: unknown; message?: unknown };
        if (typeof code === 'number' && typeof message === 'string') {
          throw new BitcoinRpcError(method, code, message, res.status);
        }
        throw new BitcoinRpcResponseError(method, ['malformed error object']);
      }
    }
    if (!res.ok) throw new BitcoinRpcHttpError(method, res.status, text);
    if (typeof json !== 'object' || json === null || !('result' in json)) {
      throw new BitcoinRpcResponseError(method, ['response has no "result"']);
    }
    const got = json as { id?: unknown; result: unknown };
    if (got.id !== id) throw new BitcoinRpcResponseError(method, [`id ${String(got.id)} != ${id}`]);
    const result = schema.safeParse(got.result);
    if (!result.success) {
      throw new BitcoinRpcResponseError(
        method,
        result.error.issues.map((i) => `${i.path.join('.') || '(result)'}: ${i.message}`),
      );
    }
    return result.data;
  }

  // JSON.stringify turns NaN and Infinity into null, which Core reads as "default": refuse them.
  const maxFee = (rate: number | undefined): unknown[] => {
    if (rate === undefined) return [];
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
      throw new RangeError(`"maxFeeRate" expected a non-negative BTC/kvB number, got ${rate}`);
    }
    return [rate];
  };
  const confs = (v: number | undefined, field: string, fallback: number): number => {
    if (v === undefined) return fallback;
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new RangeError(`"${field}" expected a non-negative integer, got ${v}`);
    }
    return v;
  };
  const strings = (v: readonly unknown[], field: string): void => {
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.length > 0)) {
      throw new TypeError(`"${field}" expected an array of non-empty strings`);
    }
  };

  return Object.freeze({
    call,
    getBlockchainInfo: async () => call('getblockchaininfo', [], blockchainInfoSchema),
    getBestBlockHash: async () => call('getbestblockhash', [], hashSchema),
    getBlockCount: async () => call('getblockcount', [], heightSchema),
    getBlockHash: async (height: number) => {
      if (!Number.isSafeInteger(height) || height < 0) {
        throw new RangeError(`"height" expected a non-negative integer, got ${height}`);
      }
      return call('getblockhash', [height], hashSchema);
    },
    getBlock: async (blockHash: string) => {
      checkHash(blockHash, 'blockHash');
      return call('getblock', [blockHash, 1], blockSchema);
    },
    getBlockVerbose: async (blockHash: string) => {
      checkHash(blockHash, 'blockHash');
      return call('getblock', [blockHash, 2], blockVerboseSchema);
    },
    getBlockHex: async (blockHash: string) => {
      checkHash(blockHash, 'blockHash');
      return call('getblock', [blockHash, 0], hexSchema);
    },
    /** `getblock <hash> 3`: transactions with their hex and every input's prevout. */
    getBlockWithPrevouts: async (blockHash: string) => {
      checkHash(blockHash, 'blockHash');
      return call('getblock', [blockHash, 3], blockWithPrevoutsSchema);
    },
    /** `getrawmempool`: the txids waiting in the mempool. */
    getRawMempool: async () => call('getrawmempool', [false], rawMempoolSchema),
    /**
     * `gettxout`: the output if unspent, else null. With `includeMempool` (Core's default) an
     * output a mempool transaction spends is null and a mempool transaction's output is found.
     */
    getTxOut: async (txid: string, vout: number, includeMempool = true) => {
      checkHash(txid, 'txid');
      if (!Number.isSafeInteger(vout) || vout < 0)
        throw new RangeError(`"vout" expected a non-negative integer, got ${vout}`);
      return call('gettxout', [txid, vout, includeMempool], txOutSchema);
    },
    getRawTransaction: async (txid: string, blockHash?: string) => {
      checkHash(txid, 'txid');
      if (blockHash !== undefined) checkHash(blockHash, 'blockHash');
      const params = blockHash === undefined ? [txid, false] : [txid, false, blockHash];
      return call('getrawtransaction', params, hexSchema);
    },
    getRawTransactionVerbose: async (txid: string, blockHash?: string) => {
      checkHash(txid, 'txid');
      if (blockHash !== undefined) checkHash(blockHash, 'blockHash');
      const params = blockHash === undefined ? [txid, true] : [txid, true, blockHash];
      return call('getrawtransaction', params, rawTransactionVerboseSchema);
    },
    sendRawTransaction: async (txHex: string, maxFeeRate?: number) => {
      if (!hexSchema.safeParse(txHex).success || txHex.length === 0) {
        throw new TypeError('"txHex" expected lowercase hex');
      }
      return call('sendrawtransaction', [txHex, ...maxFee(maxFeeRate)], hashSchema);
    },
    testMempoolAccept: async (txHexes: readonly string[], maxFeeRate?: number) => {
      if (
        !Array.isArray(txHexes) ||
        txHexes.length === 0 ||
        !txHexes.every((t) => hexSchema.safeParse(t).success && t.length > 0)
      ) {
        throw new TypeError('"txHexes" expected one or more lowercase hex strings');
      }
      return call('testmempoolaccept', [txHexes, ...maxFee(maxFeeRate)], mempoolAcceptSchema);
    },
    listUnspent: async (
      o: { minConf?: number; maxConf?: number; addresses?: readonly string[] } = {},
    ) => {
      const minConf = confs(o.minConf, 'minConf', 1);
      const maxConf = confs(o.maxConf, 'maxConf', 9_999_999);
      if (maxConf < minConf) throw new RangeError('"maxConf" expected >= "minConf"');
      if (o.addresses !== undefined) strings(o.addresses, 'addresses');
      return call('listunspent', [minConf, maxConf, o.addresses ?? []], unspentSchema);
    },
    scanTxOutSet: async (descriptors: readonly string[]) => {
      strings(descriptors, 'descriptors');
      if (descriptors.length === 0) throw new RangeError('"descriptors" expected at least one');
      return call('scantxoutset', ['start', descriptors], scanTxOutSetSchema);
    },
    estimateSmartFee: async (confTarget: number, mode?: EstimateMode) => {
      if (!Number.isInteger(confTarget) || confTarget < 1 || confTarget > 1008) {
        throw new RangeError(`"confTarget" expected 1..1008, got ${confTarget}`);
      }
      return call(
        'estimatesmartfee',
        mode === undefined ? [confTarget] : [confTarget, mode],
        estimateSmartFeeSchema,
      );
    },
  });
}

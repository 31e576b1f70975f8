import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hex } from '@scure/base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BitcoinRpcError,
  BitcoinRpcHttpError,
  BitcoinRpcResponseError,
  BitcoinRpcTransportError,
  btcToSats,
  createBitcoinRpc,
  type FetchLike,
  feeRateFromBtcPerKvb,
  REGTEST_NETWORK,
  RPC_ERROR_CODE,
  walletDescriptor,
  walletUtxosFrom,
} from '../src/index.ts';

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`./fixtures/rpc/${name}.json`, import.meta.url), 'utf8'));
}

type Seen = {
  url: string;
  headers: Record<string, string>;
  body: { method: string; params: unknown[]; id: number; jsonrpc: string };
};

/** A fetch answering every call with the recorded result (JSON-RPC 2.0, HTTP 200). */
function recordedFetch(pick: (method: string, params: unknown[]) => string): {
  fetch: FetchLike;
  seen: Seen[];
} {
  const seen: Seen[] = [];
  const fetch: FetchLike = async (url, init) => {
    const body = JSON.parse(String(init.body)) as Seen['body'];
    seen.push({ url, headers: init.headers as Record<string, string>, body });
    const result = fixture(pick(body.method, body.params));
    return new Response(JSON.stringify({ jsonrpc: '2.0', result, id: body.id }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { fetch, seen };
}

const byMethod = (method: string, params: unknown[]): string => {
  if (method === 'getblock') return `getblock-${params[1]}`;
  if (method === 'getrawtransaction') {
    return params[1] ? 'getrawtransaction-verbose' : 'getrawtransaction';
  }
  if (method === 'testmempoolaccept') return 'testmempoolaccept-allowed';
  return method;
};

const HASH = '3d1d1cfc4c5c9c5f0b1d7b36c2c6d2a0f3b0d8c1e6a5f4b3c2d1e0f9a8b7c6d5';
const WALLET_KEY = hex.decode('1b84c5567b126440995d3ed5aaba0565d71e1834604819ff9c17f5e9d5dd078f');

describe('BitcoinRpc over recorded Bitcoin Core results', () => {
  const { fetch, seen } = recordedFetch(byMethod);
  const rpc = createBitcoinRpc({
    url: 'http://127.0.0.1:18443/',
    user: 'devnet',
    password: 'devnet',
    fetch,
  });

  it('reads the chain tip', async () => {
    const info = await rpc.getBlockchainInfo();
    expect(info).toMatchObject({ chain: 'regtest', blocks: 201, bestblockhash: HASH });
    expect(await rpc.getBestBlockHash()).toBe(HASH);
    expect(await rpc.getBlockCount()).toBe(201);
    expect(await rpc.getBlockHash(201)).toBe(HASH);
    const last = seen.at(-1)!;
    expect(last.url).toBe('http://127.0.0.1:18443');
    expect(last.body).toMatchObject({ jsonrpc: '2.0', method: 'getblockhash', params: [201] });
    expect(last.headers.authorization).toBe(`Basic ${btoa('devnet:devnet')}`);
    expect(new Set(seen.map((s) => s.body.id)).size).toBe(seen.length);
  });

  it('reads blocks at verbosity 0, 1 and 2', async () => {
    const b1 = await rpc.getBlock(HASH);
    expect(b1.tx).toHaveLength(2);
    expect(b1.height).toBe(201);
    const b2 = await rpc.getBlockVerbose(HASH);
    expect(b2.tx[1]!.vout[0]!.scriptPubKey.type).toBe('witness_v1_taproot');
    expect(b2.tx[0]!.vin[0]).toHaveProperty('coinbase');
    expect(typeof (await rpc.getBlockHex(HASH))).toBe('string');
    expect(seen.slice(-3).map((s) => s.body.params)).toEqual([
      [HASH, 1],
      [HASH, 2],
      [HASH, 0],
    ]);
  });

  it('reads raw transactions, plain and verbose, optionally in a given block', async () => {
    const txid = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
    expect(await rpc.getRawTransaction(txid)).toMatch(/^0200/);
    const v = await rpc.getRawTransactionVerbose(txid, HASH);
    expect(v.confirmations).toBe(1);
    expect(v.vin[0]).toMatchObject({ vout: 1, sequence: 0xfffffffd });
    expect(seen.at(-1)!.body.params).toEqual([txid, true, HASH]);
    await expect(rpc.getRawTransaction('xyz')).rejects.toThrow(TypeError);
  });

  it('broadcasts and tests mempool acceptance', async () => {
    expect(await rpc.sendRawTransaction('0200', 0.1)).toMatch(/^a1b2/);
    expect(seen.at(-1)!.body.params).toEqual(['0200', 0.1]);
    const [r] = await rpc.testMempoolAccept(['0200']);
    expect(r).toMatchObject({ allowed: true, vsize: 154 });
    expect(seen.at(-1)!.body.params).toEqual([['0200']]);
    const calls = seen.length;
    // NaN would be sent as null (Core's default), a negative rate is meaningless: both refused.
    await expect(rpc.sendRawTransaction('0200', Number.NaN)).rejects.toThrow(RangeError);
    await expect(rpc.sendRawTransaction('0200', -1)).rejects.toThrow(RangeError);
    await expect(rpc.testMempoolAccept(['0200'], Infinity)).rejects.toThrow(RangeError);
    await expect(rpc.testMempoolAccept([])).rejects.toThrow(TypeError);
    expect(seen.length).toBe(calls);
  });

  it('finds the wallet UTXOs by listunspent or scantxoutset, amounts in sats', async () => {
    const unspent = await rpc.listUnspent({ minConf: 0, addresses: ['bcrt1p…'] });
    expect(seen.at(-1)!.body.params).toEqual([0, 9_999_999, ['bcrt1p…']]);
    expect(walletUtxosFrom(unspent, WALLET_KEY)).toEqual([
      { txid: unspent[0]!.txid, vout: 0, amount: 49_990_000n, outputKey: WALLET_KEY },
    ]);
    const desc = walletDescriptor(WALLET_KEY, REGTEST_NETWORK);
    expect(desc).toBe('addr(bcrt1prwzv24nmzfjypx2a8m264ws9vht3uxp5vpypnluuzl67n4waq78s980vmg)');
    const scan = await rpc.scanTxOutSet([desc]);
    expect(seen.at(-1)!.body.params).toEqual(['start', [desc]]);
    expect(walletUtxosFrom(scan.unspents, WALLET_KEY).map((u) => u.amount)).toEqual([
      49_990_000n,
      2_500_000_000n,
    ]);
    const calls = seen.length;
    await expect(rpc.listUnspent({ minConf: -1 })).rejects.toThrow(RangeError);
    await expect(rpc.listUnspent({ minConf: 1.5 })).rejects.toThrow(RangeError);
    await expect(rpc.listUnspent({ minConf: 6, maxConf: 1 })).rejects.toThrow(RangeError);
    await expect(rpc.listUnspent({ addresses: [''] })).rejects.toThrow(TypeError);
    await expect(rpc.scanTxOutSet([])).rejects.toThrow(RangeError);
    await expect(rpc.scanTxOutSet([42 as unknown as string])).rejects.toThrow(TypeError);
    expect(seen.length).toBe(calls);
  });

  it('estimates fees, and reports when it cannot', async () => {
    const est = await rpc.estimateSmartFee(2, 'conservative');
    expect(seen.at(-1)!.body.params).toEqual([2, 'conservative']);
    expect(feeRateFromBtcPerKvb(est.feerate!)).toBe(12.345);
    const { fetch: f2 } = recordedFetch(() => 'estimatesmartfee-insufficient');
    const none = await createBitcoinRpc({ url: 'http://x:1', fetch: f2 }).estimateSmartFee(1);
    expect(none.feerate).toBeUndefined();
    expect(none.errors).toEqual(['Insufficient data or no feerate found']);
    await expect(rpc.estimateSmartFee(0)).rejects.toThrow(RangeError);
  });

  it('routes to /wallet/<name> and moves URL credentials into the header', async () => {
    const { fetch: f, seen: s } = recordedFetch(byMethod);
    const w = createBitcoinRpc({
      url: 'http://us%40r:p%3Ass@127.0.0.1:18443',
      wallet: 'peg w',
      fetch: f,
    });
    await w.listUnspent();
    expect(s[0]!.url).toBe('http://127.0.0.1:18443/wallet/peg%20w');
    expect(s[0]!.headers.authorization).toBe(`Basic ${btoa('us@r:p:ss')}`);
  });
});

describe('BitcoinRpc errors', () => {
  const answer =
    (status: number, body: string): FetchLike =>
    async () =>
      new Response(body, { status });

  it('carries the RPC code and message, for JSON-RPC 2.0 (HTTP 200) and legacy (500/404)', async () => {
    const err2 = JSON.stringify({
      jsonrpc: '2.0',
      error: { code: -26, message: 'mempool min fee not met, 100 < 154' },
      id: 1,
    });
    const e = await createBitcoinRpc({ url: 'http://h:1', fetch: answer(200, err2) })
      .sendRawTransaction('00')
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BitcoinRpcError);
    expect(e).toMatchObject({
      method: 'sendrawtransaction',
      code: RPC_ERROR_CODE.verifyRejected,
      rpcMessage: 'mempool min fee not met, 100 < 154',
      status: 200,
    });
    const legacy = JSON.stringify({
      result: null,
      error: { code: -25, message: 'bad-txns-inputs-missingorspent' },
      id: 1,
    });
    await expect(
      createBitcoinRpc({ url: 'http://h:1', fetch: answer(500, legacy) }).sendRawTransaction('00'),
    ).rejects.toMatchObject({ code: -25, status: 500 });
    const notFound = JSON.stringify({
      result: null,
      error: { code: -32601, message: 'Method not found' },
      id: 1,
    });
    await expect(
      createBitcoinRpc({ url: 'http://h:1', fetch: answer(404, notFound) }).getBlockCount(),
    ).rejects.toMatchObject({ name: 'BitcoinRpcError', code: -32601, status: 404 });
  });

  it('reports HTTP failures without an RPC answer with their status and body', async () => {
    await expect(
      createBitcoinRpc({ url: 'http://h:1', fetch: answer(401, '') }).getBlockCount(),
    ).rejects.toMatchObject({ name: 'BitcoinRpcHttpError', status: 401, body: '' });
    const e = await createBitcoinRpc({
      url: 'http://h:1',
      fetch: answer(503, 'Work queue depth exceeded'),
    })
      .getBlockCount()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BitcoinRpcHttpError);
    expect((e as BitcoinRpcHttpError).body).toBe('Work queue depth exceeded');
  });

  it('reports transport failures and malformed results', async () => {
    const refused: FetchLike = async () => {
      throw new TypeError('fetch failed');
    };
    await expect(
      createBitcoinRpc({ url: 'http://h:1', fetch: refused }).getBlockCount(),
    ).rejects.toBeInstanceOf(BitcoinRpcTransportError);
    const wrong = JSON.stringify({ jsonrpc: '2.0', result: { blocks: 'many' }, id: 1 });
    const e = await createBitcoinRpc({ url: 'http://h:1', fetch: answer(200, wrong) })
      .getBlockchainInfo()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(BitcoinRpcResponseError);
    expect((e as BitcoinRpcResponseError).issues.join()).toMatch(/chain/);
    const otherId = JSON.stringify({ jsonrpc: '2.0', result: 5, id: 99 });
    await expect(
      createBitcoinRpc({ url: 'http://h:1', fetch: answer(200, otherId) }).getBlockCount(),
    ).rejects.toBeInstanceOf(BitcoinRpcResponseError);
    expect(() => createBitcoinRpc({ url: 'ftp://h' })).toThrow(TypeError);
  });
});

describe('BitcoinRpc over real HTTP (loopback, global fetch)', () => {
  let url = '';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      if (req.headers.authorization !== `Basic ${btoa('devnet:devnet')}`) {
        res.writeHead(401).end();
        return;
      }
      const { id, method, params } = JSON.parse(body) as {
        id: number;
        method: string;
        params: unknown[];
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', result: fixture(byMethod(method, params)), id }));
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('authenticates with basic auth and parses the answer', async () => {
    const rpc = createBitcoinRpc({ url, user: 'devnet', password: 'devnet' });
    expect(await rpc.getBlockCount()).toBe(201);
    const bad = createBitcoinRpc({ url, user: 'devnet', password: 'wrong' });
    await expect(bad.getBlockCount()).rejects.toMatchObject({ status: 401 });
  });
});

describe('amounts', () => {
  it('converts Core BTC amounts to exact sats', () => {
    expect(btcToSats(0.1)).toBe(10_000_000n);
    expect(btcToSats(0.4999)).toBe(49_990_000n);
    expect(btcToSats(20_999_999.9769)).toBe(2_099_999_997_690_000n);
    expect(btcToSats(0.00000001)).toBe(1n);
    expect(() => btcToSats(0.000000001)).toThrow(RangeError);
    expect(() => btcToSats(-1)).toThrow(RangeError);
  });
});

// The devnet's Bitcoin RPC against Bitcoin Core's behaviour, with bitcoinjs-lib as the
// independent oracle: it builds and signs the spends and computes txid, wtxid, sizes and weight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods as bitcoinRpcMethods } from '../../src/bitcoin/methods.ts';
import { startBitcoinRpc } from './bitcoin-server.ts';
import {
  bitcoin,
  type Key,
  regtest,
  type Spendable,
  segwitKey,
  spend,
  taprootKey,
  wtxidOf,
} from './bitcoinjs.ts';

type Node = Awaited<ReturnType<typeof startBitcoinRpc>>;
type DecodedTx = {
  txid: string;
  hash: string;
  size: number;
  vsize: number;
  weight: number;
  hex: string;
  vout: { n: number; value: number; scriptPubKey: { address?: string; desc: string } }[];
};

const alice = taprootKey(21);
const carol = segwitKey(22);
const miner = segwitKey(23);
let node: Node;

beforeAll(async () => {
  node = await startBitcoinRpc();
});
afterAll(async () => {
  await node?.stop();
});

const sats = (btc: number) => BigInt(Math.round(btc * 1e8));

/** Pays `key` from the faucet, confirms it, and returns the coin. */
async function fund(key: Key, btc: number): Promise<Spendable> {
  const txid = await node.result<string>('faucet', [key.address, btc]);
  await node.result('generatetoaddress', [1, miner.address]);
  const tx = await node.result<DecodedTx>('getrawtransaction', [txid, true]);
  const out = tx.vout.find((o) => o.scriptPubKey.address === key.address)!;
  return { txid, vout: out.n, value: sats(out.value), key };
}

const facts = (tx: bitcoin.Transaction) => ({
  txid: tx.getId(),
  hash: wtxidOf(tx),
  size: tx.byteLength(),
  vsize: tx.virtualSize(),
  weight: tx.weight(),
});

describe('bitcoin rpc conformance (bitcoinjs-lib)', () => {
  it('a Taproot key-path and a segwit v0 spend: txid, hash = wtxid, size, vsize and weight as bitcoinjs computes them, in decoderawtransaction, getrawtransaction, getmempoolentry and getblock 2', async () => {
    const a = await fund(alice, 1);
    const c = await fund(carol, 1);
    const taprootSpend = spend(
      [a],
      [
        { address: carol.address, value: 50_000_000n },
        { address: alice.address, value: a.value - 50_000_000n - 1_000n },
      ],
    );
    const segwitSpend = spend([c], [{ address: alice.address, value: c.value - 1_000n }]);
    for (const tx of [taprootSpend, segwitSpend]) {
      const want = facts(tx);
      expect(want.hash).not.toBe(want.txid);
      expect(await node.result('decoderawtransaction', [tx.toHex()])).toMatchObject(want);
      expect(await node.result('sendrawtransaction', [tx.toHex()])).toBe(want.txid);
      expect(await node.result('getrawtransaction', [want.txid, true])).toMatchObject(want);
      expect(await node.result('getmempoolentry', [want.txid])).toMatchObject({
        vsize: want.vsize,
        weight: want.weight,
        wtxid: want.hash,
        fees: { base: 0.00001 },
      });
    }
    const [blockHash] = await node.result<string[]>('generatetoaddress', [1, miner.address]);
    const block = await node.result<{
      tx: DecodedTx[];
      size: number;
      strippedsize: number;
      weight: number;
      merkleroot: string;
    }>('getblock', [blockHash, 2]);
    for (const tx of [taprootSpend, segwitSpend]) {
      expect(block.tx.find((t) => t.txid === tx.getId())).toMatchObject(facts(tx));
    }
    // Verbosity 2 carries each fee; 3 adds the prevouts the spends committed to.
    expect(block.tx.map((t) => (t as { fee?: number }).fee)).toEqual([undefined, 0.00001, 0.00001]);
    const withPrevouts = await node.result<{
      tx: { vin: { prevout?: { value: number; scriptPubKey: { hex: string } } }[] }[];
    }>('getblock', { blockhash: blockHash, verbosity: 3 });
    const prevouts = withPrevouts.tx.slice(1).map((t) => t.vin[0]!.prevout);
    expect(prevouts).toEqual([
      expect.objectContaining({
        generated: false,
        value: Number(a.value) / 1e8,
        scriptPubKey: expect.objectContaining({ hex: Buffer.from(alice.output).toString('hex') }),
      }),
      expect.objectContaining({
        value: Number(c.value) / 1e8,
        scriptPubKey: expect.objectContaining({ hex: Buffer.from(carol.output).toString('hex') }),
      }),
    ]);
    // A transaction without witness (the coinbase): its hash is its txid.
    const coinbase = bitcoin.Transaction.fromHex(block.tx[0]!.hex);
    expect(coinbase.hasWitnesses()).toBe(false);
    expect(block.tx[0]).toMatchObject({ txid: coinbase.getId(), hash: coinbase.getId() });
    expect(
      await node.result('getrawtransaction', [coinbase.getId(), true, blockHash]),
    ).toMatchObject({ txid: coinbase.getId(), hash: coinbase.getId() });

    const parsed = new bitcoin.Block();
    parsed.transactions = block.tx.map((t) => bitcoin.Transaction.fromHex(t.hex));
    expect(block.size).toBe(parsed.byteLength(false, true));
    expect(block.strippedsize).toBe(parsed.byteLength(false, false));
    expect(block.strippedsize).toBeLessThan(block.size);
    expect(block.weight).toBe(parsed.weight());
    const merkle = bitcoin.Block.calculateMerkleRoot(parsed.transactions);
    expect(block.merkleroot).toBe(Buffer.from(merkle).reverse().toString('hex'));

    // getblockstats, checked against what bitcoinjs computes for the same block.
    const spends = [taprootSpend, segwitSpend];
    expect(await node.result('getblockstats', [blockHash])).toMatchObject({
      blockhash: blockHash,
      txs: 3,
      ins: 2,
      outs: 1 + 2 + 1,
      totalfee: 2_000,
      avgfee: 1_000,
      total_weight: spends.reduce((w, tx) => w + tx.weight(), 0),
      total_size: spends.reduce((s, tx) => s + tx.byteLength(), 0),
      swtxs: 2,
      maxfeerate: Math.max(...spends.map((tx) => Math.floor((1_000 * 4) / tx.weight()))),
      utxo_increase: 4 - 2,
    });
    expect(await node.result('getblockstats', { hash_or_height: 0, stats: ['txs'] })).toEqual({
      txs: 1,
    });
    expect(await node.call('getblockstats', [1, ['nosuch']])).toMatchObject({
      error: { code: -8, message: "Invalid selected statistic 'nosuch'" },
    });
  });

  it('decoderawtransaction: a legacy (non-witness) transaction has hash = txid', async () => {
    const legacy = new bitcoin.Transaction();
    legacy.addInput(new Uint8Array(32).fill(7), 0);
    legacy.addOutput(carol.output, 1_000n);
    expect(await node.result('decoderawtransaction', [legacy.toHex()])).toMatchObject({
      txid: legacy.getId(),
      hash: legacy.getId(),
      size: legacy.byteLength(),
      weight: legacy.weight(),
    });
  });

  it("listunspent leaves out a coinbase output until Core's wallet counts it mature (101 confirmations); consensus lets it be spent at 100", async () => {
    const coinbaseKey = segwitKey(31);
    const [hash] = await node.result<string[]>('generatetoaddress', [1, coinbaseKey.address]);
    const block = await node.result<{ tx: string[] }>('getblock', [hash, 1]);
    const coinbase = await node.result<DecodedTx>('getrawtransaction', [block.tx[0], true]);
    const coin: Spendable = {
      txid: coinbase.txid,
      vout: 0,
      value: sats(coinbase.vout[0]!.value),
      key: coinbaseKey,
    };
    const listed = () =>
      node.result<unknown[]>('listunspent', [0, 9_999_999, [coinbaseKey.address]]);
    const sweep = spend([coin], [{ address: alice.address, value: coin.value - 1_000n }]).toHex();
    expect(await listed()).toEqual([]);
    await node.result('generatetoaddress', [98, miner.address]); // 99 confirmations
    expect(await listed()).toEqual([]);
    expect(
      (await node.result<{ allowed: boolean }[]>('testmempoolaccept', [[sweep]]))[0],
    ).toMatchObject({
      allowed: false,
      'reject-reason': 'bad-txns-premature-spend-of-coinbase',
    });
    await node.result('generatetoaddress', [1, miner.address]); // 100: spendable by consensus
    expect(
      (await node.result<{ allowed: boolean }[]>('testmempoolaccept', [[sweep]]))[0]!.allowed,
    ).toBe(true);
    expect(await listed()).toEqual([]);
    const scanned = await node.result<{ unspents: unknown[] }>('scantxoutset', [
      'start',
      [`addr(${coinbaseKey.address})`],
    ]);
    expect(scanned.unspents).toEqual([
      expect.objectContaining({ coinbase: true, confirmations: 100 }),
    ]);
    await node.result('generatetoaddress', [1, miner.address]); // 101
    expect(await listed()).toEqual([
      expect.objectContaining({ txid: coin.txid, vout: 0, confirmations: 101, safe: true }),
    ]);
  });

  it("re-sending a mempool transaction answers its txid; a confirmed one is Core's -27; the fee cap is Core's -25 with its text", async () => {
    const c = await fund(carol, 0.5);
    const tx = spend([c], [{ address: alice.address, value: c.value - 500n }]);
    expect(await node.result('sendrawtransaction', [tx.toHex()])).toBe(tx.getId());
    expect(await node.result('sendrawtransaction', [tx.toHex()])).toBe(tx.getId());
    expect(await node.result('testmempoolaccept', [[tx.toHex()]])).toEqual([
      {
        txid: tx.getId(),
        wtxid: wtxidOf(tx),
        allowed: false,
        'reject-reason': 'txn-already-in-mempool',
      },
    ]);
    await node.result('generatetoaddress', [1, miner.address]);
    expect(await node.call('sendrawtransaction', [tx.toHex()])).toMatchObject({
      status: 500,
      error: { code: -27, message: 'Transaction outputs already in utxo set' },
    });

    const c2 = await fund(carol, 0.5);
    const greedy = spend([c2], [{ address: alice.address, value: 1_000_000n }]);
    expect(await node.call('sendrawtransaction', [greedy.toHex()])).toMatchObject({
      status: 500,
      error: {
        code: -25,
        message: 'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)',
      },
    });
    expect(await node.result('testmempoolaccept', [[greedy.toHex()]])).toEqual([
      {
        txid: greedy.getId(),
        wtxid: wtxidOf(greedy),
        allowed: false,
        'reject-reason': 'max-fee-exceeded',
      },
    ]);
    expect(await node.call('sendrawtransaction', [greedy.toHex(), 1])).toMatchObject({
      error: { code: -8, message: 'Fee rates larger than or equal to 1BTC/kvB are not accepted' },
    });
    expect(
      await node.result('sendrawtransaction', { hexstring: greedy.toHex(), maxfeerate: 0 }),
    ).toBe(greedy.getId());
  });
});

// Core's parameter names (bitcoin-cli help <method>), for every served method.
const CORE_PARAMS: Record<string, string[]> = {
  getblockchaininfo: [],
  getbestblockhash: [],
  getblockcount: [],
  getblockhash: ['height'],
  getblockheader: ['blockhash', 'verbose'],
  getblock: ['blockhash', 'verbosity|verbose'],
  getblockstats: ['hash_or_height', 'stats'],
  getchaintips: [],
  getrawtransaction: ['txid', 'verbosity|verbose', 'blockhash'],
  decoderawtransaction: ['hexstring', 'iswitness'],
  decodescript: ['hexstring'],
  sendrawtransaction: ['hexstring', 'maxfeerate', 'maxburnamount'],
  testmempoolaccept: ['rawtxs', 'maxfeerate'],
  getrawmempool: ['verbose', 'mempool_sequence'],
  getmempoolentry: ['txid'],
  getmempoolinfo: [],
  gettxout: ['txid', 'n', 'include_mempool'],
  scantxoutset: ['action', 'scanobjects'],
  estimatesmartfee: ['conf_target', 'estimate_mode'],
  validateaddress: ['address'],
  getdescriptorinfo: ['descriptor'],
  getnetworkinfo: [],
  uptime: [],
  help: ['command'],
  generatetoaddress: ['nblocks', 'address', 'maxtries'],
  listunspent: ['minconf', 'maxconf', 'addresses', 'include_unsafe', 'query_options'],
  sendtoaddress: [
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
  faucet: ['address', 'amount'],
};

describe('bitcoin rpc named parameters (bitcoin-cli -named)', () => {
  it("every served method takes Core's parameter names", () => {
    expect(
      Object.fromEntries(Object.entries(bitcoinRpcMethods).map(([name, m]) => [name, m.params])),
    ).toEqual(CORE_PARAMS);
  });

  it('a named call answers as the positional one, for every served method', async () => {
    const c = await fund(carol, 0.2);
    const unsent = spend([c], [{ address: alice.address, value: c.value - 300n }]).toHex();
    const pending = spend([await fund(carol, 0.2)], [{ address: alice.address, value: 1_000n }]);
    await node.result('sendrawtransaction', [pending.toHex(), 0]);
    const tip = await node.result<string>('getbestblockhash');
    const script = bitcoin.payments.p2pkh({ hash: new Uint8Array(20).fill(1) }).output!;
    const scriptHex = Buffer.from(script).toString('hex');
    const reads: [string, unknown[], Record<string, unknown>][] = [
      ['getblockchaininfo', [], {}],
      ['getbestblockhash', [], {}],
      ['getblockcount', [], {}],
      ['getblockhash', [1], { height: 1 }],
      ['getblockheader', [tip, true], { blockhash: tip, verbose: true }],
      ['getblock', [tip, 2], { blockhash: tip, verbosity: 2 }],
      ['getblock', [tip, 1], { blockhash: tip, verbose: 1 }],
      ['getblockstats', [1, ['txs', 'height']], { hash_or_height: 1, stats: ['txs', 'height'] }],
      ['getchaintips', [], {}],
      ['getrawtransaction', [c.txid, 1], { txid: c.txid, verbose: 1 }],
      ['getrawtransaction', [c.txid, true], { txid: c.txid, verbosity: true }],
      ['decoderawtransaction', [unsent], { hexstring: unsent }],
      ['decodescript', [scriptHex], { hexstring: scriptHex }],
      ['testmempoolaccept', [[unsent], 0.5], { rawtxs: [unsent], maxfeerate: 0.5 }],
      ['getrawmempool', [true], { verbose: true }],
      ['getmempoolentry', [pending.getId()], { txid: pending.getId() }],
      ['getmempoolinfo', [], {}],
      ['gettxout', [c.txid, c.vout, false], { txid: c.txid, n: c.vout, include_mempool: false }],
      [
        'scantxoutset',
        ['start', [`addr(${carol.address})`]],
        { action: 'start', scanobjects: [`addr(${carol.address})`] },
      ],
      ['estimatesmartfee', [6, 'economical'], { conf_target: 6, estimate_mode: 'economical' }],
      ['validateaddress', [alice.address], { address: alice.address }],
      ['getdescriptorinfo', ['raw(deadbeef)'], { descriptor: 'raw(deadbeef)' }],
      ['getnetworkinfo', [], {}],
      ['help', ['getblock'], { command: 'getblock' }],
      ['listunspent', [1, 9_999_999, [carol.address]], { addresses: [carol.address] }],
    ];
    for (const [method, positional, named] of reads) {
      const byName = await node.call(method, named);
      expect(byName.error, method).toBeNull();
      expect(byName.result, method).toEqual((await node.call(method, positional)).result);
    }
    expect(await node.result('uptime', {})).toEqual(expect.any(Number));
    const writes: [string, Record<string, unknown>, RegExp][] = [
      [
        'sendrawtransaction',
        { hexstring: unsent, maxfeerate: 0.5, maxburnamount: 0 },
        /^[0-9a-f]{64}$/,
      ],
      ['faucet', { address: carol.address, amount: 0.01 }, /^[0-9a-f]{64}$/],
      ['sendtoaddress', { amount: 0.01, address: carol.address }, /^[0-9a-f]{64}$/],
    ];
    for (const [method, named, shape] of writes) {
      expect(await node.result(method, named), method).toMatch(shape);
    }
    const mined = await node.result<string[]>('generatetoaddress', {
      address: miner.address,
      nblocks: 1,
    });
    expect(mined).toEqual([await node.result('getbestblockhash')]);
    const covered = new Set([
      ...reads.map(([m]) => m),
      ...writes.map(([m]) => m),
      'uptime',
      'generatetoaddress',
    ]);
    expect([...covered].sort()).toEqual(Object.keys(bitcoinRpcMethods).sort());
  });

  it("refuses an unknown or repeated name with Core's error", async () => {
    expect(await node.call('getblockhash', { height: 0, nosuch: 1 })).toMatchObject({
      error: { code: -8, message: 'Unknown named parameter nosuch' },
    });
    const tip = await node.result<string>('getbestblockhash');
    expect(await node.call('getblock', { blockhash: tip, verbose: 1, verbosity: 1 })).toMatchObject(
      { error: { code: -8 } },
    );
    // A filter the devnet does not apply is refused, not ignored.
    expect(
      await node.call('listunspent', {
        addresses: [carol.address],
        query_options: { maximumCount: 1 },
      }),
    ).toMatchObject({ error: { code: -8 } });
  });
});

describe("bitcoin rpc read methods with Core's shapes", () => {
  it('getnetworkinfo, getmempoolinfo, getchaintips, uptime', async () => {
    expect(await node.result('getnetworkinfo')).toMatchObject({
      version: expect.any(Number),
      subversion: expect.stringMatching(/^\/Satoshi:/),
      protocolversion: expect.any(Number),
      connections: 0,
      networkactive: false,
      relayfee: 0.00001,
      incrementalfee: 0.00001,
      localaddresses: [],
      warnings: [],
    });
    await node.result('generatetoaddress', [1, miner.address]);
    const c = await fund(carol, 0.3);
    const tx = spend([c], [{ address: alice.address, value: c.value - 2_345n }]);
    await node.result('sendrawtransaction', [tx.toHex()]);
    expect(await node.result('getmempoolinfo')).toMatchObject({
      loaded: true,
      size: 1,
      bytes: tx.virtualSize(),
      usage: tx.byteLength(),
      total_fee: 0.00002345,
      maxmempool: 300_000_000,
      minrelaytxfee: 0.00001,
      incrementalrelayfee: 0.00001,
      fullrbf: true,
    });
    const [hash] = await node.result<string[]>('generatetoaddress', [1, miner.address]);
    expect(await node.result('getchaintips')).toEqual([
      {
        height: await node.result('getblockcount'),
        hash,
        branchlen: 0,
        status: 'active',
      },
    ]);
    expect(await node.result<number>('uptime')).toBeGreaterThanOrEqual(0);
  });

  it('decodescript gives the P2SH and segwit wrappings bitcoinjs computes', async () => {
    const hash = new Uint8Array(20).fill(9);
    const p2pkh = bitcoin.payments.p2pkh({ hash, network: regtest });
    const p2wpkh = bitcoin.payments.p2wpkh({ hash, network: regtest });
    const decoded = await node.result('decodescript', [Buffer.from(p2pkh.output!).toString('hex')]);
    expect(decoded).toEqual({
      asm: `OP_DUP OP_HASH160 ${'09'.repeat(20)} OP_EQUALVERIFY OP_CHECKSIG`,
      desc: expect.stringMatching(new RegExp(`^addr\\(${p2pkh.address}\\)#[a-z0-9]{8}$`)),
      address: p2pkh.address,
      type: 'pubkeyhash',
      p2sh: bitcoin.payments.p2sh({ redeem: p2pkh, network: regtest }).address,
      segwit: expect.objectContaining({
        hex: Buffer.from(p2wpkh.output!).toString('hex'),
        address: p2wpkh.address,
        type: 'witness_v0_keyhash',
        'p2sh-segwit': bitcoin.payments.p2sh({ redeem: p2wpkh, network: regtest }).address,
      }),
    });
    // A Taproot output is never wrapped.
    const tr = await node.result('decodescript', [Buffer.from(alice.output).toString('hex')]);
    expect(tr).toEqual({
      asm: expect.any(String),
      desc: expect.stringMatching(/^rawtr\([0-9a-f]{64}\)#[a-z0-9]{8}$/),
      address: alice.address,
      type: 'witness_v1_taproot',
    });
    // Core's NULL_DATA: OP_RETURN and pushes only, of any length (a sweep's "PG" payload is 80
    // bytes with OP_PUSHDATA1); anything else after OP_RETURN is not.
    for (const data of [Buffer.from('5047010a', 'hex'), Buffer.alloc(80, 7)]) {
      const script = bitcoin.payments.embed({ data: [data] }).output!;
      const d = await node.result<{ type: string }>('decodescript', [
        Buffer.from(script).toString('hex'),
      ]);
      expect(d.type, Buffer.from(script).toString('hex')).toBe('nulldata');
    }
    const notPushes = await node.result<{ type: string }>('decodescript', ['6aac']);
    expect(notPushes.type).toBe('nonstandard');
  });

  it('validateaddress and getdescriptorinfo', async () => {
    expect(await node.result('validateaddress', [alice.address])).toEqual({
      isvalid: true,
      address: alice.address,
      scriptPubKey: Buffer.from(alice.output).toString('hex'),
      isscript: true,
      iswitness: true,
      witness_version: 1,
      witness_program: Buffer.from(alice.output.subarray(2)).toString('hex'),
    });
    const mainnet = bitcoin.payments.p2wpkh({ hash: new Uint8Array(20) }).address!;
    expect(await node.result('validateaddress', [mainnet])).toMatchObject({ isvalid: false });
    // BIP380's test vector.
    expect(await node.result('getdescriptorinfo', ['raw(deadbeef)'])).toEqual({
      descriptor: 'raw(deadbeef)#89f8spxm',
      checksum: '89f8spxm',
      isrange: false,
      issolvable: false,
      hasprivatekeys: false,
    });
    expect(await node.call('getdescriptorinfo', ['raw(deadbeef)#89f8spxx'])).toMatchObject({
      error: {
        code: -5,
        message: "Provided checksum '89f8spxx' does not match computed checksum '89f8spxm'",
      },
    });
  });

  it("help lists the served methods; an unserved method is Core's -32601", async () => {
    const all = await node.result<string>('help');
    expect(all).toContain('== Blockchain ==');
    expect(all).toContain('getblockstats hash_or_height ( stats )');
    expect(await node.result<string>('help', ['getblock'])).toMatch(
      /^getblock blockhash \( verbosity \)\n/,
    );
    expect(await node.result('help', ['nosuch'])).toBe('help: unknown command: nosuch');
    for (const method of [
      'getbalance',
      'getnewaddress',
      'getwalletinfo',
      'signrawtransactionwithwallet',
    ]) {
      expect(await node.call(method, [])).toEqual({
        status: 404,
        result: null,
        error: { code: -32601, message: 'Method not found' },
      });
    }
  });
});

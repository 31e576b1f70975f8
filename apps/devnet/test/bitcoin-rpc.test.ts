import {
  BitcoinRpcError,
  btcToSats,
  createBitcoinRpc,
  REGTEST_NETWORK,
  walletUtxosFrom,
} from '@peg/bitcoin';
import { hex } from '@scure/base';
import { Address } from '@scure/btc-signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Devnet, startDevnet } from '../src/devnet.ts';
import { type Coin, signAll, tamperSignature, taprootKey } from './btc-helpers.ts';

const manifestPath = new URL('./fixtures/clarity/Clarinet.toml', import.meta.url).pathname;
const alice = taprootKey(11);
const bob = taprootKey(12);
const aliceAddress = Address(REGTEST_NETWORK).encode({ type: 'tr', pubkey: alice.xonly });
const bobAddress = Address(REGTEST_NETWORK).encode({ type: 'tr', pubkey: bob.xonly });

let devnet: Devnet;
let rpc: ReturnType<typeof createBitcoinRpc>;

beforeAll(async () => {
  devnet = await startDevnet({ manifestPath, rpcUser: 'alice', rpcPassword: 's3cret' });
  rpc = createBitcoinRpc({ url: devnet.bitcoin.url, user: 'alice', password: 's3cret' });
}, 120_000);
afterAll(async () => {
  await devnet?.stop();
});

async function raw(body: unknown, auth = 'alice:s3cret') {
  const res = await fetch(devnet.bitcoin.url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(auth).toString('base64')}`,
      'content-type': 'text/plain',
    },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: res.status === 401 ? undefined : ((await res.json()) as Record<string, unknown>),
  };
}

async function fundAlice(btc: number): Promise<Coin> {
  const { result: txid } = (await raw({ id: 1, method: 'faucet', params: [aliceAddress, btc] }))
    .body as { result: string };
  await raw({ id: 2, method: 'generatetoaddress', params: [1, bobAddress] });
  const utxos = walletUtxosFrom(await rpc.listUnspent({ addresses: [aliceAddress] }), alice.xonly);
  const utxo = utxos.find((u) => u.txid === txid)!;
  return { txid, vout: utxo.vout, script: alice.script, amount: utxo.amount };
}

describe('bitcoin rpc', () => {
  it('refuses missing or wrong credentials with 401', async () => {
    expect((await raw({ id: 1, method: 'getblockcount' }, 'alice:wrong')).status).toBe(401);
    expect((await raw({ id: 1, method: 'getblockcount' }, 'devnet:devnet')).status).toBe(401);
    const none = await fetch(devnet.bitcoin.url, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
  });

  it('answers like bitcoind: JSON-RPC 1.0 errors, 2.0 errors, batches', async () => {
    expect(await raw({ id: 7, method: 'nosuchmethod' })).toEqual({
      status: 404,
      body: { result: null, error: { code: -32601, message: 'Method not found' }, id: 7 },
    });
    expect(await raw({ jsonrpc: '2.0', id: 8, method: 'getblockhash', params: [99999] })).toEqual({
      status: 200,
      body: { jsonrpc: '2.0', error: { code: -8, message: 'Block height out of range' }, id: 8 },
    });
    const batch = await raw([
      { id: 1, method: 'getblockcount' },
      { id: 2, method: 'getbestblockhash' },
    ]);
    expect((batch.body as unknown as { id: number }[]).map((r) => r.id)).toEqual([1, 2]);
  });

  it('serves the chain through the @peg/bitcoin client', async () => {
    const info = await rpc.getBlockchainInfo();
    expect(info.chain).toBe('regtest');
    const height = await rpc.getBlockCount();
    const hash = await rpc.getBlockHash(height);
    expect(await rpc.getBestBlockHash()).toBe(hash);
    const block = await rpc.getBlock(hash);
    expect(block.height).toBe(height);
    const verbose = await rpc.getBlockVerbose(hash);
    expect(verbose.tx[0]!.vin[0]).toHaveProperty('coinbase');
    expect((await rpc.estimateSmartFee(1)).feerate).toBeCloseTo(0.00002);
  });

  it('funds from the faucet, confirms, lists and scans UTXOs', async () => {
    const coin = await fundAlice(0.5);
    expect(coin.amount).toBe(50_000_000n);
    const scan = await rpc.scanTxOutSet([`addr(${aliceAddress})`]);
    expect(scan.unspents.some((u) => u.txid === coin.txid)).toBe(true);
    const tx = await rpc.getRawTransactionVerbose(coin.txid);
    expect(tx.confirmations).toBe(1);
    await raw({ id: 1, method: 'generatetoaddress', params: [2, bobAddress] });
    expect((await rpc.getRawTransactionVerbose(coin.txid)).confirmations).toBe(3);
  });

  it('accepts a valid spend and rejects tampered, double-spent, wrong-key, overspent and unknown-input ones', async () => {
    const coin = await fundAlice(0.2);
    const pay = [{ script: bob.script, amount: 19_000_000n }];
    const good = signAll([coin], pay, alice.secret);

    const tampered = tamperSignature(good);
    const accept = await rpc.testMempoolAccept([tampered]);
    expect(accept[0]).toMatchObject({
      allowed: false,
      'reject-reason': 'mandatory-script-verify-flag-failed (Invalid Schnorr signature)',
    });
    await expect(rpc.sendRawTransaction(tampered)).rejects.toMatchObject({ code: -26 });
    await expect(rpc.sendRawTransaction(signAll([coin], pay, bob.secret))).rejects.toBeInstanceOf(
      BitcoinRpcError,
    );
    await expect(
      rpc.sendRawTransaction(
        signAll(
          [{ ...coin, amount: coin.amount + 1_000n }],
          [{ script: bob.script, amount: coin.amount + 500n }],
          alice.secret,
        ),
      ),
    ).rejects.toMatchObject({
      code: -26,
      message: expect.stringContaining('bad-txns-in-belowout'),
    });
    const ghost = { ...coin, txid: 'cd'.repeat(32) };
    await expect(rpc.sendRawTransaction(signAll([ghost], pay, alice.secret))).rejects.toMatchObject(
      { code: -25 },
    );

    expect((await rpc.testMempoolAccept([good]))[0]).toMatchObject({
      allowed: true,
      fees: { base: 0.01 },
    });
    const txid = await rpc.sendRawTransaction(good);
    // While the spend waits in the mempool: the UTXO set still has the coin (scantxoutset,
    // gettxout without mempool), a wallet's view does not (listunspent, gettxout with mempool).
    const scanned = await rpc.scanTxOutSet([`addr(${aliceAddress})`]);
    expect(scanned.unspents.some((u) => u.txid === coin.txid)).toBe(true);
    const listed = await rpc.listUnspent({ addresses: [aliceAddress] });
    expect(listed.some((u) => u.txid === coin.txid)).toBe(false);
    expect(
      (await raw({ id: 1, method: 'gettxout', params: [coin.txid, coin.vout] })).body?.result,
    ).toBeNull();
    expect(
      (await raw({ id: 1, method: 'gettxout', params: [coin.txid, coin.vout, false] })).body
        ?.result,
    ).toMatchObject({
      confirmations: 1,
      value: 0.2,
    });
    // A double spend paying less fee than the mempool transaction: not a valid replacement.
    const doubleSpend = signAll(
      [coin],
      [{ script: alice.script, amount: 19_500_000n }],
      alice.secret,
    );
    await expect(rpc.sendRawTransaction(doubleSpend)).rejects.toMatchObject({
      code: -26,
      message: expect.stringContaining('insufficient fee, rejecting replacement'),
    });
    await raw({ id: 1, method: 'generatetoaddress', params: [1, bobAddress] });
    await expect(rpc.sendRawTransaction(doubleSpend)).rejects.toMatchObject({ code: -25 });
    const mined = await rpc.getRawTransactionVerbose(txid);
    expect(mined.confirmations).toBe(1);
    expect(btcToSats(mined.vout[0]!.value)).toBe(19_000_000n);
  });

  it('refuses a fee above maxfeerate unless told otherwise', async () => {
    const coin = await fundAlice(0.1);
    const greedy = signAll([coin], [{ script: bob.script, amount: 1_000_000n }], alice.secret); // 0.09 BTC fee
    // Core's TransactionError::MAX_FEE_EXCEEDED: RPC_TRANSACTION_ERROR (-25) with this text.
    await expect(rpc.sendRawTransaction(greedy)).rejects.toMatchObject({
      code: -25,
      rpcMessage: 'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)',
    });
    expect(hex.decode(await rpc.sendRawTransaction(greedy, 0))).toHaveLength(32);
  });
});

describe('bitcoin rpc: the rest of the subset', () => {
  it('sendtoaddress, getrawmempool, getmempoolentry, decoderawtransaction, getblockheader', async () => {
    const { body } = await raw({ id: 1, method: 'sendtoaddress', params: [bobAddress, '0.001'] });
    const txid = body?.result as string;
    expect((await raw({ id: 2, method: 'getrawmempool', params: [] })).body?.result).toContain(
      txid,
    );
    expect(
      (await raw({ id: 3, method: 'getmempoolentry', params: [txid] })).body?.result,
    ).toHaveProperty('fees');
    const hexTx = await rpc.getRawTransaction(txid);
    // A block hash is checked like bitcoind does, and a mempool transaction is in no block.
    const tip = await rpc.getBestBlockHash();
    expect(
      (await raw({ id: 10, method: 'getrawtransaction', params: [txid, false, 'xyz'] })).body
        ?.error,
    ).toMatchObject({ code: -8 });
    expect(
      (await raw({ id: 11, method: 'getrawtransaction', params: [txid, false, tip] })).body?.error,
    ).toMatchObject({ code: -5, message: expect.stringContaining('provided block') });
    const decoded = (await raw({ id: 4, method: 'decoderawtransaction', params: [hexTx] })).body
      ?.result as {
      txid: string;
      vout: { value: number; scriptPubKey: { address?: string; asm: string } }[];
    };
    expect(decoded.txid).toBe(txid);
    expect(decoded.vout[0]).toMatchObject({ value: 0.001, scriptPubKey: { address: bobAddress } });
    expect(decoded.vout[0]!.scriptPubKey.asm).toBe(`1 ${Buffer.from(bob.xonly).toString('hex')}`);
    const mined = await raw({ id: 5, method: 'generatetoaddress', params: [1, bobAddress] });
    const [hash] = mined.body!.result as string[];
    const header = (await raw({ id: 6, method: 'getblockheader', params: [hash] })).body!
      .result as { height: number; nTx: number };
    expect(header.height).toBe(await rpc.getBlockCount());
    expect((await rpc.getBlock(hash!)).tx).toContain(txid);
    expect(await rpc.getRawTransaction(txid, hash!)).toBe(hexTx);
    expect(
      (
        await raw({
          id: 12,
          method: 'getrawtransaction',
          params: [txid, false, hash!.toUpperCase()],
        })
      ).body?.result,
    ).toBe(hexTx);
    expect((await raw({ id: 7, method: 'getrawmempool', params: [] })).body?.result).toEqual([]);
    expect(
      (await raw({ id: 8, method: 'faucet', params: [bobAddress, 'lots'] })).body?.error,
    ).toMatchObject({ code: -3 });
    expect((await raw({ id: 9, method: 'listunspent', params: [] })).body?.error).toMatchObject({
      code: -8,
    });
  });
});

// A coordinator proposing a wrong sweep, at the signer's check (`@peg/signer`), against the
// devnet started in-process (no processes here: the check itself, every refusal): withdrawal
// requests made on Stacks, a wallet on Bitcoin (a plain key stands in for the FROST key: the
// check reads the chains, it does not sign). Each wrong proposal is refused with the reason that
// names its fault; the honest one passes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  type BitcoinRpc,
  buildSweep,
  createBitcoinRpc,
  finalizeSweep,
  REGTEST_NETWORK,
  type SweepParams,
  type WalletUtxo,
  walletAddress,
  walletDescriptor,
  walletUtxosFrom,
} from '@peg/bitcoin';
import { type Devnet, startDevnet } from '@peg/devnet';
import { PegOutConfigSchema, SweepScanner, sendContractCall, sweepRequestOf } from '@peg/runtime';
import { approvedElsewhere, checkSweep, DecisionStore, type SweepCheckDeps } from '@peg/signer';
import {
  createStacksClient,
  initiateWithdrawalCall,
  type StacksClient,
  type WithdrawalRequest,
} from '@peg/stacks-client';
import { Cl } from '@stacks/transactions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

// Public devnet keys (docs/chains.md, "Devnet accounts").
const DEPLOYER = '753b7cc01a1a2e86221266a154af739463fce51219d97e4f856cd7200c3bd2a6';
const REQUESTER = {
  address: 'ST1SJ3DTE5DN7X54YDH5D64R3BCB6A2AG2ZQ8YPD5',
  key: '7287ba251d44a4d3fd9276c88ce34c5c52a038955511cccaf77e61068649c178',
};
const walletSecret = hexToBytes('31'.repeat(32));
const walletKey = schnorr.getPublicKey(walletSecret);
const foreignKey = schnorr.getPublicKey(hexToBytes('32'.repeat(32)));
const hex = bytesToHex;

describe('a signer refuses a wrong sweep, with the reason', () => {
  let devnet: Devnet;
  let rpc: BitcoinRpc;
  let stacks: StacksClient;
  let deps: SweepCheckDeps;
  let requests: WithdrawalRequest[];
  let miner: ReturnType<typeof setInterval>;

  const fund = async (key: Uint8Array, btc: number) => {
    await rpc.call('sendtoaddress', [walletAddress(key, REGTEST_NETWORK), btc], z.string());
  };
  const utxosOf = async (key: Uint8Array): Promise<WalletUtxo[]> =>
    walletUtxosFrom(
      (await rpc.scanTxOutSet([walletDescriptor(key, REGTEST_NETWORK)])).unspents,
      key,
    );
  const request = async (amount: bigint, maxFee: bigint): Promise<void> => {
    await sendContractCall(
      stacks,
      initiateWithdrawalCall({
        amount,
        recipient: { version: 4, hashbytes: '44'.repeat(20) },
        maxFee,
      }),
      { senderKey: hexToBytes(REQUESTER.key), network: 'devnet', pollMs: 50 },
    );
  };
  const check = async (
    params: Partial<SweepParams>,
    o: { ids?: number[]; tx?: string; config?: Partial<SweepCheckDeps['config']> } = {},
  ) => {
    const sweep = buildSweep({
      utxos: await utxosOf(walletKey),
      requests: requests.slice(0, 2).map(sweepRequestOf),
      feeRate: 2,
      changeOutputKey: walletKey,
      ...params,
    });
    return checkSweep(
      { ...deps, config: { ...deps.config, ...o.config } },
      {
        unsignedTransaction: o.tx ?? hex(sweep.unsignedTx),
        ids: o.ids ?? sweep.requests.map((r) => Number(r.id)),
        walletKey: hex(walletKey),
        tipHeight: await rpc.getBlockCount(),
      },
    );
  };

  beforeAll(async () => {
    devnet = await startDevnet();
    miner = setInterval(() => {
      if (devnet.chains.chain.pending().length > 0) devnet.mine(1);
    }, 50);
    rpc = createBitcoinRpc(devnet.bitcoin);
    stacks = createStacksClient({
      nodeUrl: devnet.stacksUrl,
      network: 'devnet',
      contracts: { address: devnet.deployer },
    });
    deps = {
      bitcoin: rpc,
      stacks,
      scanner: new SweepScanner(rpc),
      config: PegOutConfigSchema.parse(undefined),
    };
    await fund(walletKey, 0.6);
    await fund(walletKey, 0.4);
    await fund(foreignKey, 0.5);
    await sendContractCall(
      stacks,
      {
        contract: 'token',
        functionName: 'protocol-mint',
        functionArgs: [Cl.uint(10_000_000n), Cl.principal(REQUESTER.address)],
      },
      { senderKey: hexToBytes(DEPLOYER), network: 'devnet', pollMs: 50 },
    );
    await request(100_000n, 5_000n);
    await request(200_000n, 5_000n);
    await request(300_000n, 400n); // a max-fee too small for any fair share
    devnet.mine(1);
    const last = await stacks.getLastWithdrawalRequestId();
    requests = (await stacks.getWithdrawalRequests(last - 2n, last)).filter(
      (r): r is WithdrawalRequest => r !== undefined,
    );
  }, 120_000);

  afterAll(async () => {
    clearInterval(miner);
    await devnet?.stop();
  });

  it('passes the honest sweep: the same bytes, rebuilt at the rate the transaction pays', async () => {
    const r = await check({});
    expect(r).toMatchObject({ ok: true, feeRate: 2 });
  });

  it.each([
    ['an amount changed', { amount: 100_001n }, 'sweep-mismatch', /output-amount/],
    [
      'an unknown recipient',
      { recipient: { version: 4, hashbytes: new Uint8Array(20).fill(0x66) } },
      'sweep-mismatch',
      /output-script/,
    ],
    ['a fee above max-fee', { maxFee: 1_000_000n }, 'fee-above-max-fee', /max-fee 5000/],
  ] as const)('refuses %s', async (_what, change, reason, detail) => {
    const honest = requests.slice(0, 2).map(sweepRequestOf);
    const forged = [{ ...honest[0]!, ...change }, honest[1]!];
    const feeRate = reason === 'fee-above-max-fee' ? 80 : 2;
    const r = await check({ requests: forged, feeRate });
    expect(r).toMatchObject({ ok: false, reason, detail: expect.stringMatching(detail) });
  });

  it("refuses change to a foreign key, and inputs that are not the wallet's", async () => {
    expect(await check({ changeOutputKey: foreignKey })).toMatchObject({
      ok: false,
      reason: 'wrong-key',
    });
    const foreign = (await utxosOf(foreignKey)).map((u) => ({ ...u, outputKey: walletKey }));
    expect(await check({ utxos: foreign })).toMatchObject({
      ok: false,
      reason: 'input-not-wallet-utxo',
    });
  });

  it('refuses a fee rate far above its own estimate, or outside the configured bounds', async () => {
    const generous = requests.slice(0, 2).map((r) => ({ ...sweepRequestOf(r), maxFee: 5_000n }));
    // 2 sat/vB estimate x tolerance 2: 4.001 sat/vB is too much, 4 is not.
    expect(await check({ requests: generous, feeRate: 4 })).toMatchObject({ ok: true });
    expect(await check({ requests: generous, feeRate: 4.001 })).toMatchObject({
      ok: false,
      reason: 'fee-rate-above-estimate',
    });
    expect(await check({ requests: generous }, { config: { maxFeeRate: 1.5 } })).toMatchObject({
      ok: false,
      reason: 'fee-rate-above-max',
    });
    expect(await check({ requests: generous }, { config: { minFeeRate: 3 } })).toMatchObject({
      ok: false,
      reason: 'fee-rate-below-min',
    });
  });

  it('refuses ids the transaction does not name, unknown, shallow and max-fee-starved requests', async () => {
    expect(await check({}, { ids: [Number(requests[0]!.id)] })).toMatchObject({
      ok: false,
      reason: 'ids-differ',
    });
    const unknown = { ...sweepRequestOf(requests[0]!), id: 9_999n };
    expect(await check({ requests: [unknown] })).toMatchObject({
      ok: false,
      reason: 'unknown-request',
    });
    expect(await check({}, { config: { requestConfirmations: 1_000 } })).toMatchObject({
      ok: false,
      reason: 'request-unconfirmed',
    });
    expect(
      await check({
        requests: [sweepRequestOf(requests[2]!)].map((r) => ({ ...r, maxFee: 9_999n })),
      }),
    ).toMatchObject({
      ok: false,
      reason: 'fee-above-max-fee',
    });
    expect(await check({}, { tx: '0200000000' })).toMatchObject({
      ok: false,
      reason: 'not-a-sweep',
    });
  });

  it('refuses a request in another live sweep, then one already paid', async () => {
    // The honest sweep of the first request, spending only the 0.4 BTC UTXO, sent.
    const all = await utxosOf(walletKey);
    const small = all.filter((u) => u.amount === 40_000_000n);
    const large = all.filter((u) => u.amount === 60_000_000n);
    const first = buildSweep({
      utxos: small,
      requests: [sweepRequestOf(requests[0]!)],
      feeRate: 2,
      changeOutputKey: walletKey,
    });
    const signed = finalizeSweep(
      first,
      first.sighashes.map((m) => schnorr.sign(m, walletSecret)),
    );
    await rpc.sendRawTransaction(signed.hex);
    // Another sweep of the same request, spending the other UTXO (no conflict): refused.
    expect(await check({ utxos: large, requests: [sweepRequestOf(requests[0]!)] })).toMatchObject({
      ok: false,
      reason: 'request-in-live-sweep',
    });
    devnet.mine(1);
    expect(await check({ utxos: large, requests: [sweepRequestOf(requests[0]!)] })).toMatchObject({
      ok: false,
      reason: 'request-already-paid',
      detail: expect.stringContaining(first.txid),
    });
    // The first request is still pending on Stacks (no completion here): only the chain says paid.
    expect((await stacks.getWithdrawalRequest(requests[0]!.id))?.status).toBe('pending');
  });
});

describe("a signer's own never-twice guard (its approvals, not the chain scan)", () => {
  let devnet: Devnet;
  let rpc: BitcoinRpc;
  let dir: string;
  let decisions: DecisionStore;

  beforeAll(async () => {
    devnet = await startDevnet();
    rpc = createBitcoinRpc(devnet.bitcoin);
    for (const btc of [0.4, 0.6])
      await rpc.call('sendtoaddress', [walletAddress(walletKey, REGTEST_NETWORK), btc], z.string());
    devnet.mine(1);
    dir = mkdtempSync(join(tmpdir(), 'paid-once-'));
    decisions = new DecisionStore(join(dir, 'records.sqlite'));
  }, 60_000);

  afterAll(async () => {
    decisions?.close();
    rmSync(dir, { recursive: true, force: true });
    await devnet?.stop();
  });

  it('refuses a second sweep of a request unless it conflicts with the first, or the first is dead', async () => {
    const utxos = walletUtxosFrom(
      (await rpc.scanTxOutSet([walletDescriptor(walletKey, REGTEST_NETWORK)])).unspents,
      walletKey,
    );
    const small = utxos.filter((u) => u.amount === 40_000_000n);
    const large = utxos.filter((u) => u.amount === 60_000_000n);
    const request = {
      id: 7n,
      amount: 50_000n,
      maxFee: 5_000n,
      recipient: { version: 4, hashbytes: new Uint8Array(20).fill(7) },
    };
    const sweepOf = (u: WalletUtxo[]) =>
      buildSweep({ utxos: u, requests: [request], feeRate: 2, changeOutputKey: walletKey });
    const a = sweepOf(small);
    const height = await rpc.getBlockCount();
    decisions.approveSweep(
      a.txid,
      a.prevouts.map((p) => `${p.txid}:${p.vout}`),
      [7n],
      {
        at: 1,
        height,
      },
    );
    // The same sweep again, and one spending an input of it (a replacement): allowed.
    expect(await approvedElsewhere(rpc, decisions, a, [request])).toBeUndefined();
    expect(await approvedElsewhere(rpc, decisions, sweepOf(utxos), [request])).toBeUndefined();
    // One that does not conflict: refused while the first could still be mined.
    const b = sweepOf(large);
    expect(await approvedElsewhere(rpc, decisions, b, [request])).toMatch(/approved earlier/);
    // The first one mined: refused, named by its block.
    const mined = finalizeSweep(
      a,
      a.sighashes.map((m) => schnorr.sign(m, walletSecret)),
    );
    await rpc.sendRawTransaction(mined.hex);
    devnet.mine(1);
    expect(await approvedElsewhere(rpc, decisions, b, [request])).toMatch(
      new RegExp(`paid by sweep ${a.txid} in block ${height + 1}`),
    );
    // A first one that can never be mined (its input spent by another transaction): allowed.
    const c = sweepOf(large);
    const dead = { ...c, txid: 'ab'.repeat(32) };
    decisions.approveSweep(dead.txid, [`${a.prevouts[0]!.txid}:${a.prevouts[0]!.vout}`], [8n], {
      at: 2,
      height: height + 2,
    });
    expect(await approvedElsewhere(rpc, decisions, c, [{ id: 8n }])).toBeUndefined();
  });
});

// The sweep scanner and the completion against the devnet started in-process: a wallet of a
// plain key (a stand-in for the FROST key: the scanner only reads the chain) pays sweeps; each
// is found in the mempool, then in its block, with its inputs, ids and fee.
import { schnorr } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  type BitcoinRpc,
  buildSweep,
  createBitcoinRpc,
  finalizeSweep,
  REGTEST_NETWORK,
  readSweep,
  walletAddress,
  walletDescriptor,
  walletUtxosFrom,
} from '@peg/bitcoin';
import { type Devnet, startDevnet } from '@peg/devnet';
import { completeWithdrawalsCall, type WithdrawalRequest } from '@peg/stacks-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { completionOf } from '../src/peg-out/completion.ts';
import { SweepScanner } from '../src/peg-out/sweeps-on-chain.ts';

const secret = hexToBytes('11'.repeat(32));
const walletKey = schnorr.getPublicKey(secret);
const otherKey = schnorr.getPublicKey(hexToBytes('22'.repeat(32)));

/** Funds `key`'s wallet with `btc` through the devnet's faucet and mines it. */
async function fund(devnet: Devnet, rpc: BitcoinRpc, key: Uint8Array, btc: number) {
  await rpc.call('sendtoaddress', [walletAddress(key, REGTEST_NETWORK), btc], z.string());
  devnet.mine(1);
}

async function sweepOf(rpc: BitcoinRpc, ids: bigint[]) {
  const scan = await rpc.scanTxOutSet([walletDescriptor(walletKey, REGTEST_NETWORK)]);
  const utxos = walletUtxosFrom(scan.unspents, walletKey);
  const sweep = buildSweep({
    utxos,
    requests: ids.map((id, i) => ({
      id,
      amount: 10_000n + BigInt(i),
      maxFee: 5_000n,
      recipient: { version: 4, hashbytes: new Uint8Array(20).fill(Number(id)) },
    })),
    feeRate: 2,
    changeOutputKey: walletKey,
  });
  const signed = finalizeSweep(
    sweep,
    sweep.sighashes.map((m) => schnorr.sign(m, secret)),
  );
  return { sweep, signed };
}

describe('SweepScanner against the devnet', () => {
  let devnet: Devnet;
  let rpc: BitcoinRpc;

  beforeAll(async () => {
    devnet = await startDevnet();
    rpc = createBitcoinRpc(devnet.bitcoin);
    await fund(devnet, rpc, walletKey, 1);
    await fund(devnet, rpc, otherKey, 1);
  }, 60_000);
  afterAll(async () => devnet?.stop());

  it('finds a sweep in the mempool, then in its block; not under another wallet key', async () => {
    const scanner = new SweepScanner(rpc);
    const keys = new Set([bytesToHex(walletKey)]);
    const start = await rpc.getBlockCount();
    const { sweep, signed } = await sweepOf(rpc, [5n, 9n]);
    await rpc.sendRawTransaction(signed.hex);
    const inPool = await scanner.scan(keys, start);
    expect(inPool.confirmed).toEqual([]);
    expect(inPool.mempool.map((s) => s.txid)).toEqual([sweep.txid]);
    expect(inPool.mempool[0]!.ids).toEqual([5n, 9n]);
    expect(inPool.mempool[0]!.fee).toBe(sweep.fee);
    expect((await scanner.scan(new Set([bytesToHex(otherKey)]), start)).mempool).toEqual([]);

    devnet.mine(1);
    const mined = await scanner.scan(keys, start);
    expect(mined.mempool).toEqual([]);
    expect(mined.confirmed.map((s) => s.txid)).toEqual([sweep.txid]);
    const seen = mined.confirmed[0]!;
    expect(seen.block?.height).toBe(start + 1);
    expect(seen.fee).toBe(sweep.fee);
    expect(seen.inputs.map((i) => `${i.txid}:${i.vout}`)).toEqual(
      sweep.prevouts.map((p) => `${p.txid}:${p.vout}`),
    );
    // A later sweep spends the change of the first: both found, in order.
    const second = await sweepOf(rpc, [10n]);
    await rpc.sendRawTransaction(second.signed.hex);
    devnet.mine(1);
    const both = await scanner.scan(keys, start);
    expect(both.confirmed.map((s) => s.txid)).toEqual([sweep.txid, second.sweep.txid]);
    expect(readSweep(both.confirmed[1]!.hex).ids).toEqual([10n]);

    // The completion of the first sweep, from the chain and the requests as Stacks stores them.
    const stored = (id: bigint, i: number, over: Partial<WithdrawalRequest> = {}) =>
      [
        id,
        {
          id,
          amount: 10_000n + BigInt(i),
          maxFee: 5_000n,
          sender: 'ST1SJ3DTE5DN7X54YDH5D64R3BCB6A2AG2ZQ8YPD5',
          recipient: { version: 4, hashbytes: bytesToHex(new Uint8Array(20).fill(Number(id))) },
          blockHeight: BigInt(start),
          status: 'pending' as const,
          ...over,
        },
      ] as const;
    const ok = completionOf(seen, new Map([stored(5n, 0), stored(9n, 1)]));
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect([...ok.fees.entries()]).toEqual(sweep.requests.map((r) => [r.id, r.fee]));
    expect(ok.spec).toEqual(
      completeWithdrawalsCall({
        sweepTxid: sweep.txid,
        burnHash: seen.block!.hash,
        burnHeight: seen.block!.height,
        outcomes: sweep.requests.map((r) => ({
          requestId: r.id,
          accepted: true,
          outputIndex: r.outputIndex,
          fee: r.fee,
          signerBitmap: 0n,
        })),
      }),
    );
    // A request Stacks stores otherwise than the sweep pays, or one already done: no completion.
    const other = completionOf(seen, new Map([stored(5n, 0), stored(9n, 1, { amount: 10_002n })]));
    expect(other).toMatchObject({ ok: false, reason: expect.stringMatching(/not the sweep/) });
    const done = completionOf(
      seen,
      new Map([stored(5n, 0), stored(9n, 1, { status: 'accepted' })]),
    );
    expect(done).toEqual({ ok: false, reason: 'request 9 is already accepted' });
    expect(completionOf(seen, new Map([stored(5n, 0)]))).toEqual({
      ok: false,
      reason: 'request 9 is unknown on Stacks',
    });
    expect(completionOf(inPool.mempool[0]!, new Map([stored(5n, 0), stored(9n, 1)]))).toEqual({
      ok: false,
      reason: 'the sweep is not in a block',
    });
  });
});

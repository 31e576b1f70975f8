// The peg-out pipeline end to end, as real processes over loopback: 5 operators (weights
// 1, 1, 2, 3, 3; 7 of 10 key ids). Three withdrawal requests made on Stacks are paid on Bitcoin in
// one sweep (every input signed in one FROST round) and completed on Stacks in one
// `complete-withdrawals` co-signed by the signer principal; an independent library checks the
// sweep's signatures, and the sBTC moved exactly as the contract says.
import { readSweep } from '@peg/bitcoin';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from 'tiny-secp256k1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type Federation,
  publishedKey,
  startEveryProcess,
  startFederation,
} from './harness/federation.ts';
import { preparePegOuts, REQUESTERS, requestWithdrawals, sbtcBalance } from './harness/peg-out.ts';

bitcoin.initEccLib(ecc);

/** Recipients of three script types, made by bitcoinjs-lib (not by our code). */
const RECIPIENTS = [
  bitcoin.payments.p2wpkh({ hash: Buffer.alloc(20, 0x11), network: bitcoin.networks.regtest })
    .address!,
  bitcoin.payments.p2tr({
    pubkey: Buffer.from(ecc.xOnlyPointFromScalar(Buffer.alloc(32, 7))),
    network: bitcoin.networks.regtest,
  }).address!,
  bitcoin.payments.p2pkh({ hash: Buffer.alloc(20, 0x22), network: bitcoin.networks.regtest })
    .address!,
];
const AMOUNTS = [100_000n, 250_000n, 40_000n];
const MAX_FEE = 20_000n;

describe('peg-out pipeline', () => {
  let fed: Federation;
  let stopMining = () => {};

  beforeAll(async () => {
    fed = await startFederation({ weights: [1, 1, 2, 3, 3] });
    startEveryProcess(fed);
  });

  afterAll(async () => {
    stopMining();
    await fed?.stop();
  });

  it('pays three requests in one sweep and completes them in one Stacks transaction', async () => {
    const data = await publishedKey(fed, 5, 240_000);
    // The signer principal pays the completion's fee; the wallet holds 1 BTC; each requester
    // holds sBTC (minted by the deployer in place of a deposit).
    const { rpc, outputKey } = await preparePegOuts(
      fed,
      data.aggregatePubkey,
      data.signerPrincipal,
    );
    const before = await Promise.all(REQUESTERS.map((r) => sbtcBalance(fed, r.address)));

    // Three requests in one Stacks block (one burn height): one sweep.
    const ids = await requestWithdrawals(
      fed,
      REQUESTERS.map((_, i) => ({
        requester: i,
        amount: AMOUNTS[i]!,
        maxFee: MAX_FEE,
        recipient: RECIPIENTS[i]!,
      })),
    );

    stopMining = fed.mineEvery(3_000);
    const completed = await eventually(
      'the three requests accepted on Stacks',
      async () => {
        const rs = await Promise.all(ids.map((id) => fed.stacks.getWithdrawalRequest(id)));
        return rs.every((r) => r?.status === 'accepted') ? rs : undefined;
      },
      240_000,
      1_000,
    );
    stopMining();
    expect(completed).toHaveLength(3);

    // One sweep paid all three.
    const sweeps = await Promise.all(ids.map((id) => fed.stacks.getWithdrawalSweep(id)));
    const txid = sweeps[0]!.sweepTxid;
    for (const s of sweeps) expect(s?.sweepTxid).toBe(txid);
    const raw = await rpc.getRawTransactionVerbose(txid, sweeps[0]!.sweepBurnHash);
    const tx = bitcoin.Transaction.fromHex(raw.hex);
    const reading = readSweep(raw.hex);
    expect(reading.ids).toEqual(ids);
    for (const [i, id] of ids.entries()) {
      const out = tx.outs[2 + i]!;
      expect(bitcoin.address.fromOutputScript(out.script, bitcoin.networks.regtest)).toBe(
        RECIPIENTS[i],
      );
      expect(BigInt(out.value)).toBe(AMOUNTS[i]);
      expect(reading.withdrawals[i]!.requestId).toBe(id);
    }
    // Every input's signature, checked by bitcoinjs-lib's BIP341 sighash and tiny-secp256k1.
    const block = await rpc.getBlockWithPrevouts(sweeps[0]!.sweepBurnHash);
    const mined = block.tx.find((t) => t.txid === txid)!;
    const prevouts = mined.vin.map(
      (v) => (v as { prevout: { value: number; scriptPubKey: { hex: string } } }).prevout,
    );
    const scripts = prevouts.map((p) => Buffer.from(p.scriptPubKey.hex, 'hex'));
    const values = prevouts.map((p) => BigInt(Math.round(p.value * 1e8)));
    for (const [i, input] of tx.ins.entries()) {
      const sighash = tx.hashForWitnessV1(i, scripts, values, bitcoin.Transaction.SIGHASH_DEFAULT);
      expect(input.witness).toHaveLength(1);
      expect(ecc.verifySchnorr(sighash, outputKey, input.witness[0]!)).toBe(true);
    }

    // sBTC: each requester paid its amount and its fee share, never more than max-fee.
    const after = await Promise.all(REQUESTERS.map((r) => sbtcBalance(fed, r.address)));
    const fees: bigint[] = [];
    for (const [i] of REQUESTERS.entries()) {
      const spent = before[i]! - after[i]!;
      const fee = spent - AMOUNTS[i]!;
      expect(fee).toBeGreaterThan(0n);
      expect(fee).toBeLessThanOrEqual(MAX_FEE);
      fees.push(fee);
    }
    // The fee shares add up to the sweep's fee (its inputs minus its outputs).
    const fee =
      values.reduce((s, v) => s + v, 0n) - tx.outs.reduce((s, o) => s + BigInt(o.value), 0n);
    expect(fees.reduce((s, f) => s + f, 0n)).toBe(fee);

    // One completion, seen by the coordinators' APIs; the queue shows each step's time.
    const records = await eventually('a coordinator recorded the completion', async () => {
      for (const op of fed.operators) {
        const r = await fed.api<{ sweeps: { txid: string; completionTxid: string | null }[] }>(
          op.coordinatorApi,
          '/v1/sweeps',
        );
        const s = r.sweeps.find((x) => x.txid === txid && x.completionTxid !== null);
        if (s) return s;
      }
      return undefined;
    });
    const completion = await fed.stacks.getTransaction(records.completionTxid!);
    expect(completion?.status).toBe('success');
    const queue = await fed.api<{
      requests: { id: string; state: string; at: Record<string, number> }[];
    }>(fed.operators[0]!.coordinatorApi, '/v1/queue');
    for (const id of ids) {
      const r = await eventually(`request ${id} completed in operator 1's queue`, async () => {
        const q = await fed.api<typeof queue>(fed.operators[0]!.coordinatorApi, '/v1/queue');
        return q.requests.find((x) => x.id === String(id) && x.state === 'completed');
      });
      expect(r.at.seen).toBeLessThanOrEqual(r.at.completed!);
    }
  });
});

import { Transaction } from '@scure/btc-signer';
import { assertBytes, assertSats, assertTxid, assertUint, MAX_MONEY } from './assert.ts';
import { dustThreshold, SBTC_DUST_LIMIT } from './dust.ts';
import { SweepError } from './errors.ts';
import { feeRateToSatPerKvb } from './fee-rate.ts';
import {
  leb128Length,
  MAX_OP_RETURN_PAYLOAD,
  OP_RETURN_HEADER_LENGTH,
  withdrawalIdsScript,
} from './op-return.ts';
import { recipientScript } from './recipient.ts';
import { sighashesOf, TX_OPTS } from './sighash.ts';
import { MAX_STANDARD_TX_WEIGHT, outputWeight, sweepWeight, vsizeOf } from './size.ts';
import type {
  ExcludedRequest,
  Prevout,
  Sats,
  Sweep,
  SweepOutput,
  SweepParams,
  SweptRequest,
  WithdrawalRequest,
} from './types.ts';
import { walletScript } from './wallet.ts';

/** Transaction version of the sweep (BIP68 relative locktime semantics; standard). */
export const SWEEP_TX_VERSION = 2;
/** Lock time of the sweep: none. */
export const SWEEP_LOCK_TIME = 0;
/** nSequence of every input: 0xFFFFFFFD signals replaceability (BIP125), no relative lock. */
export const SWEEP_SEQUENCE = 0xfffffffd;
/** Most withdrawal requests one sweep considers (bounds work on hostile input). */
export const MAX_SWEEP_REQUESTS = 1000;
/** Most wallet UTXOs one sweep spends. */
export const MAX_SWEEP_INPUTS = 500;
/**
 * Incremental relay fee a replacement must add per vbyte (BIP125 rule 4), in sat/kvB:
 * Bitcoin Core's long-standing default of 1 sat/vB (newer releases accept less).
 */
export const INCREMENTAL_RELAY_FEE_SAT_PER_KVB = 1000n;

type Candidate = WithdrawalRequest & { script: Uint8Array; weight: bigint };

function checkParams(params: SweepParams): void {
  if (typeof params !== 'object' || params === null) {
    throw new TypeError('"params" expected an object');
  }
  const { utxos, requests, changeOutputKey } = params;
  if (!Array.isArray(utxos) || utxos.length === 0 || utxos.length > MAX_SWEEP_INPUTS) {
    throw new RangeError(`"utxos" expected 1..${MAX_SWEEP_INPUTS} wallet UTXOs`);
  }
  if (!Array.isArray(requests) || requests.length > MAX_SWEEP_REQUESTS) {
    throw new RangeError(`"requests" expected an array of at most ${MAX_SWEEP_REQUESTS}`);
  }
  const outpoints = new Set<string>();
  for (const [i, u] of utxos.entries()) {
    assertTxid(u.txid, `utxos[${i}].txid`);
    assertUint(u.vout, `utxos[${i}].vout`, 0xffffffff);
    assertSats(u.amount, `utxos[${i}].amount`);
    assertBytes(u.outputKey, `utxos[${i}].outputKey`, 32);
    const op = `${u.txid}:${u.vout}`;
    if (outpoints.has(op)) throw new RangeError(`"utxos[${i}]" duplicates outpoint ${op}`);
    outpoints.add(op);
  }
  const ids = new Set<bigint>();
  for (const [i, r] of requests.entries()) {
    if (typeof r.id !== 'bigint' || r.id < 0n || r.id >= 1n << 128n) {
      throw new TypeError(`"requests[${i}].id" expected a uint128 bigint`);
    }
    if (ids.has(r.id)) throw new RangeError(`"requests[${i}].id" duplicates id ${r.id}`);
    ids.add(r.id);
    assertSats(r.amount, `requests[${i}].amount`);
    assertSats(r.maxFee, `requests[${i}].maxFee`);
    if (typeof r.recipient !== 'object' || r.recipient === null) {
      throw new TypeError(`"requests[${i}].recipient" expected {version, hashbytes}`);
    }
  }
  assertBytes(changeOutputKey, 'changeOutputKey', 32);
  if (params.replaces !== undefined) {
    if (typeof params.replaces !== 'object' || params.replaces === null) {
      throw new TypeError('"replaces" expected { fee } or undefined');
    }
    assertSats(params.replaces.fee, 'replaces.fee');
  }
}

/** How many of these ascending ids the OP_RETURN payload can name. */
function longestFittingPrefix(ids: readonly bigint[]): number {
  let length = OP_RETURN_HEADER_LENGTH;
  let prev = 0n;
  for (const [i, id] of ids.entries()) {
    length += leb128Length(i === 0 ? id : id - prev);
    if (length > MAX_OP_RETURN_PAYLOAD) return i;
    prev = id;
  }
  return ids.length;
}

/** Fee share of each candidate: ceil(weight_i * baseFee / sum of weights). */
function feeShares(candidates: readonly Candidate[], baseFee: Sats): Sats[] {
  const total = candidates.reduce((s, c) => s + c.weight, 0n);
  return candidates.map((c) => (c.weight * baseFee + total - 1n) / total);
}

/**
 * Build the unsigned peg-out sweep. Pure and deterministic: the same params give the same
 * bytes, so a signer rebuilds exactly what the coordinator asks it to sign.
 *
 * Layout: version 2, lock time 0; inputs = the wallet UTXOs sorted by (txid, vout), each with
 * sequence 0xFFFFFFFD; outputs = [0] change to `changeOutputKey`, [1] OP_RETURN naming the paid
 * request ids, [2..] one output per paid request, by ascending id, paying `amount` exactly.
 *
 * Fee: baseFee = ceil(vsize * feeRate) with vsize of the signed transaction (for a replacement,
 * at least the replaced fee plus vsize at the incremental relay fee); request i is
 * charged ceil(w_i * baseFee / Σw) where w_i is its output's weight; the transaction fee is the
 * sum of the charges. Requests are left out, with a reason, when their recipient cannot be
 * paid, their amount is dust, their ids no longer fit the OP_RETURN, the transaction would be
 * non-standard by weight, their charge exceeds their max-fee, or the wallet cannot pay them
 * (newest ids first). Throws `SweepError('nothing-to-sweep')` if no request is left.
 */
export function buildSweep(params: SweepParams): Sweep {
  checkParams(params);
  const feeRateSatPerKvb = feeRateToSatPerKvb(params.feeRate);
  const changeScript = walletScript(params.changeOutputKey);
  const changeDust = dustThreshold(changeScript);

  const prevouts: Prevout[] = [...params.utxos]
    .sort((a, b) => (a.txid < b.txid ? -1 : a.txid > b.txid ? 1 : a.vout - b.vout))
    .map((u) => {
      let script: Uint8Array;
      try {
        script = walletScript(u.outputKey);
      } catch {
        throw new TypeError(`"utxos" entry ${u.txid}:${u.vout} has an invalid outputKey`);
      }
      return { txid: u.txid, vout: u.vout, script, amount: u.amount };
    });
  const totalIn = prevouts.reduce((s, p) => s + p.amount, 0n);
  if (totalIn > MAX_MONEY) throw new RangeError(`"utxos" total ${totalIn} exceeds MAX_MONEY`);

  const excluded: ExcludedRequest[] = [];
  let candidates: Candidate[] = [];
  const sorted = [...params.requests].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const r of sorted) {
    const rs = recipientScript(r.recipient);
    if (!rs.ok) {
      excluded.push({ id: r.id, reason: 'invalid-recipient', detail: rs.reason });
      continue;
    }
    const dust = dustThreshold(rs.script);
    if (r.amount <= SBTC_DUST_LIMIT || r.amount < dust) {
      excluded.push({
        id: r.id,
        reason: 'dust',
        detail: `amount ${r.amount} must exceed ${SBTC_DUST_LIMIT} and reach ${dust}`,
      });
      continue;
    }
    candidates.push({ ...r, script: rs.script, weight: BigInt(outputWeight(rs.script)) });
  }

  const dropLast = (reason: ExcludedRequest['reason'], detail: string): void => {
    const last = candidates[candidates.length - 1]!;
    excluded.push({ id: last.id, reason, detail });
    candidates = candidates.slice(0, -1);
  };

  // The OP_RETURN names the lowest ids that fit; its length only grows with each next id, so
  // one pass finds the longest prefix (later exclusions never bring a request back).
  const fits = longestFittingPrefix(candidates.map((c) => c.id));
  for (const c of candidates.slice(fits)) {
    excluded.push({
      id: c.id,
      reason: 'op-return-full',
      detail: `only the first ${fits} ids fit ${MAX_OP_RETURN_PAYLOAD} bytes`,
    });
  }
  candidates = candidates.slice(0, fits);

  // Each pass removes at least one request, or accepts the set: at most n + 1 passes.
  for (;;) {
    if (candidates.length === 0) {
      throw new SweepError('nothing-to-sweep', 'no withdrawal request can be paid', excluded);
    }
    const ids = candidates.map((c) => c.id);
    const opReturnScript = withdrawalIdsScript(ids);
    const scripts = [changeScript, opReturnScript, ...candidates.map((c) => c.script)];
    const weight = sweepWeight(prevouts.length, scripts);
    if (weight > MAX_STANDARD_TX_WEIGHT) {
      dropLast('tx-too-large', `weight ${weight} > ${MAX_STANDARD_TX_WEIGHT}`);
      continue;
    }
    const vsize = vsizeOf(weight);
    const rateFee = (BigInt(vsize) * feeRateSatPerKvb + 999n) / 1000n;
    const replaceFee =
      params.replaces === undefined
        ? 0n
        : params.replaces.fee + (BigInt(vsize) * INCREMENTAL_RELAY_FEE_SAT_PER_KVB + 999n) / 1000n;
    const baseFee = rateFee > replaceFee ? rateFee : replaceFee;
    const shares = feeShares(candidates, baseFee);
    const over = candidates.filter((c, i) => shares[i]! > c.maxFee);
    if (over.length > 0) {
      for (const c of over) {
        const share = shares[candidates.indexOf(c)]!;
        excluded.push({
          id: c.id,
          reason: 'max-fee-exceeded',
          detail: `fee share ${share} > max-fee ${c.maxFee}`,
        });
      }
      candidates = candidates.filter((c) => !over.includes(c));
      continue;
    }
    const fee = shares.reduce((s, x) => s + x, 0n);
    const paid = candidates.reduce((s, c) => s + c.amount, 0n);
    const change = totalIn - paid - fee;
    if (change < changeDust) {
      dropLast('insufficient-funds', `change would be ${change} < ${changeDust}`);
      continue;
    }

    const outputs: SweepOutput[] = [
      { kind: 'change', script: changeScript, amount: change },
      { kind: 'op-return', script: opReturnScript, amount: 0n, ids },
      ...candidates.map(
        (c): SweepOutput => ({
          kind: 'withdrawal',
          script: c.script,
          amount: c.amount,
          requestId: c.id,
        }),
      ),
    ];
    const tx = new Transaction({
      version: SWEEP_TX_VERSION,
      lockTime: SWEEP_LOCK_TIME,
      ...TX_OPTS,
    });
    for (const p of prevouts) {
      tx.addInput({
        txid: p.txid,
        index: p.vout,
        sequence: SWEEP_SEQUENCE,
        witnessUtxo: { script: p.script, amount: p.amount },
      });
    }
    for (const o of outputs) tx.addOutput({ script: o.script, amount: o.amount });

    const requests: SweptRequest[] = candidates.map((c, i) => ({
      id: c.id,
      amount: c.amount,
      maxFee: c.maxFee,
      fee: shares[i]!,
      outputIndex: i + 2,
      script: c.script,
    }));
    return {
      unsignedTx: tx.unsignedTx,
      txid: tx.id,
      prevouts,
      outputs,
      sighashes: sighashesOf(tx, prevouts),
      requests,
      excluded,
      fee,
      baseFee,
      feeRateSatPerKvb,
      weight,
      vsize,
    };
  }
}

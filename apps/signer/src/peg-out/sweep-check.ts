/**
 * The signer's check of a sweep it is asked to sign, from its own view of the chains only:
 * - the transaction has the sweep layout and names exactly the round's request ids;
 * - every input is an unspent wallet output per this signer's Bitcoin node;
 * - every request exists on Stacks, is pending, deep enough, not paid by a mined sweep and not
 *   in another live one;
 * - rebuilt from those facts (`rebuildSweep`, fee rate recovered from the transaction itself),
 *   the bytes are identical: amounts, recipients, change key, fee shares, OP_RETURN;
 * - the fee rate is within the configured bounds and not far above this signer's own estimate.
 * Any failure is a refusal with a reason from `SWEEP_REFUSALS` and a detail (numbers and ids).
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import {
  type BitcoinRpc,
  btcToSats,
  MAX_MONEY,
  outputKeyOfScript,
  readSweep,
  rebuildSweep,
  type Sweep,
  type SweepReading,
  type WalletUtxo,
} from '@peg/bitcoin';
import {
  chainFeeRate,
  describeMismatches,
  type PegOutConfig,
  type SweepScanner,
  sweepRequestOf,
} from '@peg/runtime';
import type { StacksClient, WithdrawalRequest } from '@peg/stacks-client';

export const SWEEP_REFUSALS = [
  'not-a-sweep',
  'ids-differ',
  'wrong-key',
  'input-not-wallet-utxo',
  'unknown-request',
  'request-not-pending',
  'request-unconfirmed',
  'request-already-paid',
  'request-in-live-sweep',
  'sweep-mismatch',
  'fee-above-max-fee',
  'fee-rate-above-max',
  'fee-rate-below-min',
  'fee-rate-above-estimate',
] as const;
export type SweepRefusal = (typeof SWEEP_REFUSALS)[number];

export type SweepCheck =
  | { ok: true; sweep: Sweep; feeRate: number; requests: WithdrawalRequest[] }
  | { ok: false; reason: SweepRefusal; detail: string };

export type SweepCheckDeps = {
  bitcoin: BitcoinRpc;
  stacks: StacksClient;
  scanner: SweepScanner;
  config: PegOutConfig;
};

const refuse = (reason: SweepRefusal, detail: string): SweepCheck => ({
  ok: false,
  reason,
  detail,
});

/**
 * Checks `unsignedTransaction` (hex) for request ids `ids`, to be signed under the wallet of
 * x-only output key `walletKey` (hex), at Bitcoin height `tipHeight`.
 */
export async function checkSweep(
  deps: SweepCheckDeps,
  p: { unsignedTransaction: string; ids: readonly number[]; walletKey: string; tipHeight: number },
): Promise<SweepCheck> {
  let reading: SweepReading;
  try {
    reading = readSweep(p.unsignedTransaction);
  } catch (err) {
    return refuse('not-a-sweep', String(err instanceof Error ? err.message : err));
  }
  const named = reading.ids.map(String).join(',');
  if (named !== p.ids.join(','))
    return refuse('ids-differ', `the round names [${p.ids.join(',')}], the OP_RETURN [${named}]`);
  if (bytesToHex(reading.change.outputKey) !== p.walletKey)
    return refuse('wrong-key', 'the change does not go to the current wallet key');

  const utxos: WalletUtxo[] = [];
  for (const outpoint of reading.inputs) {
    const txid = outpoint.slice(0, 64);
    const vout = Number(outpoint.slice(65));
    const out = await deps.bitcoin.getTxOut(txid, vout, false);
    const key = out === null ? undefined : outputKeyOfScript(hexToBytes(out.scriptPubKey.hex));
    if (out === null || key === undefined || bytesToHex(key) !== p.walletKey)
      return refuse(
        'input-not-wallet-utxo',
        `${outpoint} is ${out === null ? 'spent or unknown' : 'not a wallet output'}`,
      );
    utxos.push({ txid, vout, amount: btcToSats(out.value), outputKey: key });
  }

  const requests: WithdrawalRequest[] = [];
  for (const id of reading.ids) {
    const r = await deps.stacks.getWithdrawalRequest(id);
    if (r === undefined) return refuse('unknown-request', `request ${id} does not exist`);
    if (r.status !== 'pending')
      return refuse('request-not-pending', `request ${id} is ${r.status}`);
    const depth = p.tipHeight - Number(r.blockHeight);
    if (depth < deps.config.requestConfirmations)
      return refuse(
        'request-unconfirmed',
        `request ${id}: ${depth} of ${deps.config.requestConfirmations} confirmations`,
      );
    requests.push(r);
  }

  const from = requests.reduce((h, r) => Math.min(h, Number(r.blockHeight)), p.tipHeight);
  const scan = await deps.scanner.scan(new Set([p.walletKey]), from);
  const ids = new Set(reading.ids);
  for (const s of scan.confirmed) {
    const paid = s.ids.find((id) => ids.has(id));
    if (paid !== undefined)
      return refuse('request-already-paid', `request ${paid} is paid by mined sweep ${s.txid}`);
  }
  for (const s of scan.mempool) {
    const live = s.ids.find((id) => ids.has(id));
    if (live !== undefined && s.txid !== reading.txid)
      return refuse('request-in-live-sweep', `request ${live} is in sweep ${s.txid} (mempool)`);
  }

  const rebuilt = rebuildSweep(p.unsignedTransaction, {
    utxos,
    requests: requests.map(sweepRequestOf),
    changeOutputKey: hexToBytes(p.walletKey),
  });
  if (!rebuilt.ok) {
    // Say so when the only fault is a fee share above a request's max-fee: the same sweep, with
    // the limits lifted, is the transaction.
    const unbounded = rebuildSweep(p.unsignedTransaction, {
      utxos,
      requests: requests.map((r) => ({ ...sweepRequestOf(r), maxFee: MAX_MONEY })),
      changeOutputKey: hexToBytes(p.walletKey),
    });
    const over = unbounded.ok
      ? unbounded.sweep.requests.find(
          (x) => x.fee > (requests.find((r) => r.id === x.id)?.maxFee ?? 0n),
        )
      : undefined;
    if (over !== undefined) {
      const max = requests.find((r) => r.id === over.id)!.maxFee;
      return refuse(
        'fee-above-max-fee',
        `request ${over.id} is charged ${over.fee} > its max-fee ${max}`,
      );
    }
    return refuse('sweep-mismatch', describeMismatches(rebuilt.mismatches));
  }

  const rate = rebuilt.feeRate;
  const c = deps.config;
  if (rate > c.maxFeeRate)
    return refuse('fee-rate-above-max', `${rate} sat/vB > the configured ${c.maxFeeRate}`);
  if (rate < c.minFeeRate)
    return refuse('fee-rate-below-min', `${rate} sat/vB < the configured ${c.minFeeRate}`);
  const own = await chainFeeRate(deps.bitcoin, c);
  if (rate > own * c.feeRateTolerance)
    return refuse(
      'fee-rate-above-estimate',
      `${rate} sat/vB > ${c.feeRateTolerance} x this signer's estimate ${own}`,
    );
  return { ok: true, sweep: rebuilt.sweep, feeRate: rate, requests };
}

/**
 * The Stacks completion of a confirmed sweep: one `complete-withdrawals` naming every request
 * the sweep paid, with the output index and the fee share each was charged. Coordinator and
 * signers derive it with this one function from the chain (the sweep as mined, its prevouts,
 * the requests as stored on Stacks), so a signer co-signs only the call it would make itself.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import {
  type ContractCallSpec,
  completeWithdrawalsCall,
  type WithdrawalRequest,
} from '@peg/stacks-client';
import { ClarityType, type ClarityValue } from '@stacks/transactions';
import { describeMismatches, rebuildSweep, sweepRequestOf, walletUtxoOf } from './sweep-params.ts';
import type { SeenSweep } from './sweeps-on-chain.ts';

/**
 * The signer bitmap recorded with each request. Which signers voted is not on chain, so no two
 * signers could agree on it byte for byte: the federation records none (0).
 */
export const SIGNER_BITMAP = 0n;

export type Completion =
  | { ok: true; spec: ContractCallSpec; fees: Map<bigint, bigint> }
  | { ok: false; reason: string };

/**
 * The completion of `sweep` (confirmed in `sweep.block`), given the requests it names as
 * Stacks stores them (`requests`, by id). Refused when the sweep is not in a block, a request is
 * unknown or no longer pending, or the transaction is not exactly the sweep of those requests.
 */
export function completionOf(
  sweep: SeenSweep,
  requests: ReadonlyMap<bigint, WithdrawalRequest>,
): Completion {
  if (sweep.block === undefined) return { ok: false, reason: 'the sweep is not in a block' };
  const named: WithdrawalRequest[] = [];
  for (const id of sweep.ids) {
    const r = requests.get(id);
    if (r === undefined) return { ok: false, reason: `request ${id} is unknown on Stacks` };
    if (r.status !== 'pending')
      return { ok: false, reason: `request ${id} is already ${r.status}` };
    named.push(r);
  }
  const rebuilt = rebuildSweep(sweep.reading.unsignedTx, {
    utxos: sweep.inputs.map(walletUtxoOf),
    requests: named.map(sweepRequestOf),
    changeOutputKey: hexToBytes(sweep.changeOutputKey),
  });
  if (!rebuilt.ok)
    return {
      ok: false,
      reason: `the transaction is not the sweep of its requests: ${describeMismatches(rebuilt.mismatches)}`,
    };
  const fees = new Map(rebuilt.sweep.requests.map((r) => [r.id, r.fee]));
  const spec = completeWithdrawalsCall({
    sweepTxid: sweep.txid,
    burnHash: sweep.block.hash,
    burnHeight: sweep.block.height,
    outcomes: rebuilt.sweep.requests.map((r) => ({
      requestId: r.id,
      accepted: true as const,
      outputIndex: r.outputIndex,
      fee: r.fee,
      signerBitmap: SIGNER_BITMAP,
    })),
  });
  return { ok: true, spec, fees };
}

/** The sweep a `complete-withdrawals` argument list names, read from its first entry. */
export function sweepNamedBy(
  args: readonly ClarityValue[],
): { txid: string; burnHash: string; burnHeight: number } | undefined {
  const list = args[0];
  if (list?.type !== ClarityType.List) return undefined;
  const first = list.value[0];
  if (first?.type !== ClarityType.Tuple) return undefined;
  const t = first.value as Record<string, ClarityValue>;
  const txid = t['bitcoin-txid'];
  const hash = t['burn-hash'];
  const height = t['burn-height'];
  if (
    txid?.type !== ClarityType.OptionalSome ||
    txid.value.type !== ClarityType.Buffer ||
    hash?.type !== ClarityType.Buffer ||
    height?.type !== ClarityType.UInt
  )
    return undefined;
  // The contract stores the txid in the hash's byte order; Bitcoin RPC shows it reversed.
  const stored = txid.value.value as string;
  const display = (stored.match(/../g) ?? []).reverse().join('');
  return { txid: display, burnHash: hash.value as string, burnHeight: Number(height.value) };
}

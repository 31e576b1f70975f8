/**
 * Converts between the Stacks client's view of a withdrawal request and the sweep builder's,
 * and rebuilds a sweep seen on chain with the fee rate it pays (`rebuildSweep`: the rate is
 * recovered from the transaction, never taken from anyone's word).
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import {
  rebuildSweep,
  type SweepMismatch,
  type WithdrawalRequest as SweepRequest,
  type WalletUtxo,
} from '@peg/bitcoin';
import type { WithdrawalRequest } from '@peg/stacks-client';
import type { SweepInput } from './sweeps-on-chain.ts';

/** The sweep builder's request from the Stacks client's. */
export const sweepRequestOf = (r: WithdrawalRequest): SweepRequest => ({
  id: r.id,
  amount: r.amount,
  maxFee: r.maxFee,
  recipient: { version: r.recipient.version, hashbytes: hexToBytes(r.recipient.hashbytes) },
});

/** A wallet UTXO from a spent (or spendable) output. */
export const walletUtxoOf = (i: SweepInput): WalletUtxo => ({
  txid: i.txid,
  vout: i.vout,
  amount: i.amount,
  outputKey: hexToBytes(i.outputKey),
});

/** One line for a log or a refusal: what differs first (no key material, only ids and numbers). */
export function describeMismatches(mismatches: readonly SweepMismatch[]): string {
  const m = mismatches[0];
  if (m === undefined) return 'no mismatch';
  const rest = mismatches.length > 1 ? ` (and ${mismatches.length - 1} more)` : '';
  const fields = Object.entries(m)
    .filter(([k]) => k !== 'kind')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  return `${m.kind}${fields ? ` ${fields}` : ''}${rest}`;
}

export { rebuildSweep };

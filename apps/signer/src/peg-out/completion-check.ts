/**
 * What a signer co-signs to complete a sweep on Stacks: it reads which sweep the proposed
 * `complete-withdrawals` names (txid, burn hash, burn height of its first entry), finds that
 * sweep in that block through its own Bitcoin node, reads the named requests from its own
 * Stacks node, and derives the call itself (`completionOf`, the same function the coordinator
 * used). The cosign check then compares every argument byte for byte: a changed fee, output
 * index, status, request or block is a refusal.
 */
import type { BitcoinRpc } from '@peg/bitcoin';
import { completionOf, type PegOutConfig, type SweepScanner, sweepNamedBy } from '@peg/runtime';
import type { ContractCallSpec, StacksClient, WithdrawalRequest } from '@peg/stacks-client';

/** The completion this signer would propose for the sweep `args` name, or why there is none. */
export async function expectedCompletion(
  deps: {
    bitcoin: BitcoinRpc;
    stacks: StacksClient;
    scanner: SweepScanner;
    config: PegOutConfig;
  },
  args: Parameters<typeof sweepNamedBy>[0],
  walletKeys: ReadonlySet<string>,
): Promise<{ ok: true; spec: ContractCallSpec } | { ok: false; reason: string }> {
  const named = sweepNamedBy(args);
  if (named === undefined) return { ok: false, reason: 'no sweep named by the first entry' };
  const tip = await deps.bitcoin.getBlockCount();
  if (tip - named.burnHeight + 1 < deps.config.sweepConfirmations)
    return {
      ok: false,
      reason: `sweep ${named.txid} is not ${deps.config.sweepConfirmations} deep`,
    };
  const hash = await deps.bitcoin.getBlockHash(named.burnHeight);
  if (hash !== named.burnHash)
    return { ok: false, reason: `block ${named.burnHeight} is ${hash}, not ${named.burnHash}` };
  const scan = await deps.scanner.scan(walletKeys, named.burnHeight);
  const sweep = scan.confirmed.find((s) => s.txid === named.txid && s.block?.hash === hash);
  if (sweep === undefined)
    return { ok: false, reason: `no sweep ${named.txid} of ours in block ${hash}` };
  const requests = new Map<bigint, WithdrawalRequest>();
  for (const id of sweep.ids) {
    const r = await deps.stacks.getWithdrawalRequest(id);
    if (r !== undefined) requests.set(id, r);
  }
  const completion = completionOf(sweep, requests);
  return completion.ok ? { ok: true, spec: completion.spec } : completion;
}

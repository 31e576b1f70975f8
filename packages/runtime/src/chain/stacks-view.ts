import type { SignerCandidate, StacksClient } from '@peg/stacks-client';
import { type PollOptions, pollForChanges } from './poll.ts';

/** What the federation reads from Stacks at one Stacks block. */
export type StacksView = {
  stacksHeight: number;
  stacksTip: string;
  burnHeight: number;
  /** The registry's current signer set (compressed keys, hex), from the last key rotation. */
  signerSet: string[];
  /** The current aggregate key, hex (`00` before the first rotation). */
  aggregateKey: string;
  /** The current signer principal (the multisig that must sign registry calls). */
  signerPrincipal: string;
  /** Signatures the signer principal needs. */
  threshold: number;
  /** The admitted signers with their weights and registered keys: the next DKG's candidates. */
  candidates: SignerCandidate[];
};

type Reader = Pick<StacksClient, 'getChainTip' | 'getSignerData' | 'getSignerCandidates'>;

/** Reads the registry at the node's current tip (skipped when the tip is `last`'s). */
export async function readStacksView(client: Reader, last?: StacksView): Promise<StacksView> {
  const tip = await client.getChainTip();
  if (last?.stacksTip === tip.stacksTip) return last;
  const [data, candidates] = await Promise.all([
    client.getSignerData(),
    client.getSignerCandidates(),
  ]);
  return {
    stacksHeight: tip.stacksHeight,
    stacksTip: tip.stacksTip,
    burnHeight: tip.burnHeight,
    signerSet: data.signerSet,
    aggregateKey: data.aggregatePubkey,
    signerPrincipal: data.signerPrincipal,
    threshold: Number(data.signatureThreshold),
    candidates,
  };
}

/**
 * Follows the Stacks tip (`/v2/info`) and reads the registry again at each new Stacks block:
 * `onView` gets the first view and one per new Stacks tip. Resolves when `signal` aborts.
 */
export function watchStacks(
  client: Reader,
  opts: Omit<PollOptions<StacksView>, 'read' | 'same' | 'onChange' | 'intervalMs'> & {
    onView: (view: StacksView) => void | Promise<void>;
    intervalMs?: number;
  },
): Promise<void> {
  const { onView, intervalMs, ...rest } = opts;
  return pollForChanges({
    ...rest,
    intervalMs: intervalMs ?? 2_000,
    read: (last) => readStacksView(client, last),
    same: (a, b) => a.stacksTip === b.stacksTip,
    onChange: onView,
  });
}
